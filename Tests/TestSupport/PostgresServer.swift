import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server from Debian's packages on a free loopback port, in its own temporary directory: `initdb`
/// once, then `postgres` started (and killed, and started again) as a child process. No system service is used.
///
/// initdb and postgres refuse to run as root, and CI runs as root: then both run as the `postgres` system user
/// (created by Debian's `postgresql-common`; `EDGEFLEET_PG_USER` names another) through `setpriv`, which execs in
/// place, so the pid this harness holds is the postmaster itself and SIGKILL reaches it. Binaries are found in
/// `EDGEFLEET_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`, else `PATH`; a missing binary throws, so the
/// tests fail rather than skip (scripts/setup.sh installs `postgresql`).
///
/// One server per test class; each test makes its own database (``createDatabase(_:)``). `fsync=off`: a killed server
/// keeps what it committed (the OS has it), only a power loss would not, and these tests kill processes, not machines.
/// `synchronous_commit` stays on: off, a commit is acknowledged before its WAL is written, and a SIGKILL loses it.
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    /// The superuser the tests connect as (trust authentication on loopback).
    public let user = "edgefleet"
    private let binaries: String
    private let runAs: String?
    private let dataDirectory: String
    private let logPath: String
    private var pid: pid_t?

    public var isRunning: Bool { pid != nil }

    /// Initialises a cluster in a new temporary directory and starts the server.
    public init() throws {
        binaries = try Self.locateBinaries()
        runAs = getuid() == 0 ? (ProcessInfo.processInfo.environment["EDGEFLEET_PG_USER"] ?? "postgres") : nil
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("edgefleet-pg-\(UUID().uuidString.prefix(8))")
        dataDirectory = directory.appendingPathComponent("data").path
        logPath = directory.appendingPathComponent("postgres.log").path
        port = try Mosquitto.freePort()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let runAs {
            // The server's user owns the directory; the log stays writable by the (root) test runner.
            try Mosquitto.run("/bin/chown", [runAs, directory.path])
        }
        try Mosquitto.run("/usr/bin/env", privileged("\(binaries)/initdb") + [
            "-D", dataDirectory, "-U", user, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        ])
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A `postgres://` URL for `database` on this server.
    public func url(database: String) -> String { "postgres://\(user)@127.0.0.1:\(port)/\(database)" }

    /// The server's log so far, for failure messages.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)" }

    /// Starts the server (again) on `port` and returns once it accepts connections.
    public func start() throws {
        precondition(pid == nil, "postgres already running")
        let child = try SpawnedProcess.start("/usr/bin/env", privileged("\(binaries)/postgres") + [
            "-D", dataDirectory, "-p", String(port), "-k", directory.path, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
            "-c", "shared_buffers=64MB",
        ], logPath: logPath)
        pid = child
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? psql("postgres", "SELECT 1")) != nil { return }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid = nil
                throw Mosquitto.Failure(description: "postgres exited (wait status \(status)) on port \(port):\n\(log)")
            }
            usleep(50_000)
        }
        kill()
        throw Mosquitto.Failure(description: "postgres did not accept connections on port \(port) within 60 s:\n\(log)")
    }

    /// Ends the server at once (SIGKILL), as a crash would; the next ``start()`` recovers from the WAL.
    public func kill() {
        guard let pid else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        self.pid = nil
        // The postmaster's children notice it is gone and exit; wait until the port is free again.
        let deadline = ContinuousClock.now + .seconds(10)
        while Mosquitto.acceptsConnections(port: port), ContinuousClock.now < deadline { usleep(20_000) }
        usleep(200_000)
    }

    /// Stops the server politely (SIGINT: fast shutdown, open transactions rolled back).
    public func stop() {
        guard let pid else { return }
        Glibc.kill(pid, SIGINT)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        self.pid = nil
    }

    /// Creates an empty database and returns its URL.
    @discardableResult
    public func createDatabase(_ name: String) throws -> String {
        try psql("postgres", "CREATE DATABASE \"\(name)\"")
        return url(database: name)
    }

    /// Runs SQL with psql and returns its unaligned output.
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(binaries)/psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database, "-c", sql]
        let pipe = Pipe()
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let errorOutput = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Mosquitto.Failure(description: "psql \(sql) failed: \(String(decoding: errorOutput, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The command prefix that runs `executable` as the server's user (nothing to add when not root).
    private func privileged(_ executable: String) -> [String] {
        guard let runAs else { return [executable] }
        return ["setpriv", "--reuid=\(runAs)", "--regid=\(runAs)", "--init-groups", "--reset-env", executable]
    }

    /// The directory holding initdb, postgres and psql.
    static func locateBinaries() throws -> String {
        let manager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["EDGEFLEET_PG_BIN"] { return configured }
        let versions = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where manager.isExecutableFile(atPath: "/usr/lib/postgresql/\(version)/bin/initdb") {
            return "/usr/lib/postgresql/\(version)/bin"
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where manager.isExecutableFile(atPath: "\(directory)/initdb") && manager.isExecutableFile(atPath: "\(directory)/postgres") {
            return String(directory)
        }
        throw Mosquitto.Failure(description: "PostgreSQL's initdb was not found in /usr/lib/postgresql/*/bin or PATH; run scripts/setup.sh (it installs the postgresql package) or set EDGEFLEET_PG_BIN")
    }
}
