import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto broker on a free loopback port, in its own temporary directory.
///
/// Shared by the agent, end-to-end and collector tests (adapted from `Tests/MQTTTests/MosquittoProcess.swift`).
///
/// It can be stopped (SIGTERM), killed (SIGKILL) and started again on the same port to exercise
/// reconnection. Failing to find or start mosquitto throws, so tests fail instead of skipping.
public final class Mosquitto: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Where Debian, Homebrew and source installs put the broker and its password tool.
    public static let searchPaths = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/sbin", "/opt/homebrew/bin"]

    public let port: Int
    public let directory: URL
    private let configURL: URL
    private let logURL: URL
    private let executable: String
    private var pid: pid_t?

    /// True while the broker process runs.
    public var isRunning: Bool { pid != nil }

    /// Writes the configuration and starts the broker.
    ///
    /// - Parameters:
    ///   - users: name → password; when non-empty, anonymous clients are refused.
    ///   - listenerConfiguration: given the broker's directory, prepares files there and returns
    ///     lines for the listener's configuration (e.g. TLS).
    public init(users: [String: String] = [:], listenerConfiguration: ((URL) throws -> [String])? = nil) throws {
        executable = try Self.locate("mosquitto")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configURL = directory.appendingPathComponent("mosquitto.conf")
        logURL = directory.appendingPathComponent("mosquitto.log")
        port = try Self.freePort()

        var lines = [
            "per_listener_settings false",
            "persistence false",
            "log_dest stderr",
            "log_type error", "log_type warning", "log_type notice", "log_type information",
            "listener \(port) 127.0.0.1",
        ]
        lines += try listenerConfiguration?(directory) ?? []
        if users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            let passwordFile = directory.appendingPathComponent("passwords")
            for (index, (user, password)) in users.sorted(by: { $0.key < $1.key }).enumerated() {
                var arguments = ["-b", passwordFile.path, user, password]
                if index == 0 { arguments.insert("-c", at: 0) }
                try Self.run(try Self.locate("mosquitto_passwd"), arguments)
            }
            lines += ["allow_anonymous false", "password_file \(passwordFile.path)"]
        }
        try (lines.joined(separator: "\n") + "\n").write(to: configURL, atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The broker's output so far, for failure messages.
    public var log: String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? "(no log)"
    }

    /// Starts the broker (again) on `port` and returns once it accepts TCP connections.
    public func start() throws {
        precondition(pid == nil, "broker already running")
        let child = try spawn()
        pid = child
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if Self.acceptsConnections(port: port) { return }
            if let status = reap(child) {
                pid = nil
                throw Failure(description: "mosquitto exited (wait status \(status)) on port \(port):\n\(log)")
            }
            usleep(20_000)
        }
        kill()
        throw Failure(description: "mosquitto did not accept connections on port \(port) within 15 s:\n\(log)")
    }

    /// Stops the broker the polite way (SIGTERM) and waits for it to exit.
    public func stop() {
        guard let pid else { return }
        Glibc.kill(pid, SIGCONT)
        Glibc.kill(pid, SIGTERM)
        wait(pid, killAfter: .seconds(10))
        self.pid = nil
    }

    /// Ends the broker at once (SIGKILL).
    public func kill() {
        guard let pid else { return }
        Glibc.kill(pid, SIGKILL)
        wait(pid, killAfter: .seconds(10))
        self.pid = nil
    }

    /// Freezes the broker (SIGSTOP): connections stay open, nothing is read or answered until ``resume()``.
    public func suspend() {
        guard let pid else { return }
        Glibc.kill(pid, SIGSTOP)
    }

    /// Lets a suspended broker run again (SIGCONT).
    public func resume() {
        guard let pid else { return }
        Glibc.kill(pid, SIGCONT)
    }

    public func restart() throws {
        stop()
        try start()
    }

    private func spawn() throws -> pid_t {
        try SpawnedProcess.start(executable, ["-c", configURL.path], logPath: logURL.path)
    }

    /// The wait status if `pid` has exited (and is now reaped), nil while it runs.
    private func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid || (result < 0 && errno == ECHILD) ? status : nil
    }

    private func wait(_ pid: pid_t, killAfter timeout: Duration) {
        let deadline = ContinuousClock.now + timeout
        while reap(pid) == nil {
            if ContinuousClock.now > deadline { Glibc.kill(pid, SIGKILL) }
            usleep(10_000)
        }
    }

    public static func locate(_ name: String) throws -> String {
        let pathEntries = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in searchPaths + pathEntries {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(description: "\(name) not found in \(searchPaths + pathEntries); install the mosquitto package")
    }

    /// Runs a helper tool to completion; throws with its output if it fails.
    public static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: output, as: UTF8.self))")
        }
    }

    /// A loopback port nobody listens on right now (the kernel's choice for an ephemeral bind).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
