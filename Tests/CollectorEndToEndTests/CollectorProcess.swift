import Foundation
import TestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// The real `edge-collector` executable, started with posix_spawn so SIGTERM reaches it, killed with real signals.
final class CollectorProcess: @unchecked Sendable {
    let stateDirectory: URL
    let httpPort: Int
    let arguments: [String]
    let logURL: URL
    private(set) var pid: pid_t?

    init(stateDirectory: URL, brokerPort: Int, httpPort: Int? = nil, extraArguments: [String] = []) throws {
        self.stateDirectory = stateDirectory
        self.httpPort = try httpPort ?? Mosquitto.freePort()
        logURL = stateDirectory.deletingLastPathComponent().appendingPathComponent("\(stateDirectory.lastPathComponent).log")
        arguments = ["--state-directory", stateDirectory.path, "--broker-port", "\(brokerPort)", "--http-port", "\(self.httpPort)",
                     "--log-level", "info"] + extraArguments
    }

    /// `--config` with `training.requireBlessedAssignments` off, for tests that assign the kws fixture (a model the
    /// blessing gate cannot judge: no labelled data for it) and are about distribution, not blessing.
    static func allowingUnblessedAssignments(in directory: URL) throws -> [String] {
        let path = directory.appendingPathComponent("allow-unblessed.json")
        try Data(#"{"training": {"requireBlessedAssignments": false}}"#.utf8).write(to: path)
        return ["--config", path.path]
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "(no log)" }

    /// Starts the process and waits until `/healthz` answers.
    func start() throws {
        precondition(pid == nil)
        let executable = try ProductProcess.path("edge-collector")
        let child = try SpawnedProcess.start(executable, arguments, logPath: logURL.path)
        pid = child
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if Self.healthy(port: httpPort) { return }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid = nil
                throw Mosquitto.Failure(description: "edge-collector exited (status \(status)):\n\(log)")
            }
            usleep(100_000)
        }
        throw Mosquitto.Failure(description: "edge-collector did not answer /healthz within 60 s:\n\(log)")
    }

    /// Sends `signal` and waits for the process to end; returns its wait status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32 {
        guard let pid else { return 0 }
        kill(pid, signal)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) != pid {
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(20_000)
        }
        self.pid = nil
        return status
    }

    deinit { stop(SIGKILL) }

    static func healthy(port: Int) -> Bool {
        guard let url = URL(string: "http://127.0.0.1:\(port)/healthz") else { return false }
        let done = DispatchSemaphore(value: 0)
        let result = Flag()
        let task = URLSession.shared.dataTask(with: url) { _, response, _ in
            result.value = (response as? HTTPURLResponse)?.statusCode == 200
            done.signal()
        }
        task.resume()
        _ = done.wait(timeout: .now() + 2)
        return result.value
    }

    final class Flag: @unchecked Sendable { var value = false }
}
