import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `scripts/broker.sh` (mutual TLS, CRL, per-device ACL) as a real process on a free loopback port, restartable,
/// for tests of the locked-down fleet. The PKI comes from `edgectl pki` (`pki(devices:collectors:)`).
public final class LockedDownBroker: @unchecked Sendable {
    public let pki: URL
    public let port: Int
    public let state: URL
    public let logPath: String
    private var pid: pid_t?

    public init(pki: URL) throws {
        self.pki = pki
        port = try Mosquitto.freePort()
        state = try Fixtures.temporaryDirectory("broker-state")
        logPath = state.appendingPathComponent("broker.log").path
        try start()
    }

    deinit { stop() }

    /// A new PKI made with `edgectl pki`: a CA, the broker's certificate for 127.0.0.1, devices and collectors.
    public static func pki(devices: [String], collectors: [String] = ["main"]) throws -> URL {
        let pki = try Fixtures.temporaryDirectory("pki").appendingPathComponent("pki")
        var commands = [["pki", "init", "--dir", pki.path], ["pki", "issue", "--dir", pki.path, "--server", "127.0.0.1"]]
        commands += devices.map { ["pki", "issue", "--dir", pki.path, "--device", $0] }
        commands += collectors.map { ["pki", "issue", "--dir", pki.path, "--collector", $0] }
        for arguments in commands {
            let result = try ProductProcess.run("edgectl", arguments)
            guard result.status == 0 else {
                throw Mosquitto.Failure(description: "edgectl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
        return pki
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)" }

    public func start() throws {
        precondition(pid == nil, "broker already running")
        let script = Fixtures.root.appendingPathComponent("scripts/broker.sh").path
        let child = try SpawnedProcess.start("/bin/bash", [script, "--pki", pki.path, "--port", "\(port)", "--state", state.path,
                                                          "--bind", "127.0.0.1"], logPath: logPath)
        pid = child
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if Mosquitto.acceptsConnections(port: port) { return }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid = nil
                throw Mosquitto.Failure(description: "broker.sh exited (status \(status)):\n\(log)")
            }
            usleep(20_000)
        }
        stop()
        throw Mosquitto.Failure(description: "broker.sh did not listen on \(port) within 15 s:\n\(log)")
    }

    /// SIGTERM (broker.sh execs mosquitto with --state, so the signal reaches the broker), then waits.
    public func stop() {
        guard let pid else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        self.pid = nil
    }

    public func restart() throws {
        stop()
        try start()
    }
}
