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

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "(no log)" }

    /// Starts the process and waits until `/healthz` answers.
    func start() throws {
        precondition(pid == nil)
        let executable = try ProductProcess.path("edge-collector")
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logURL.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let words = [executable] + arguments
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        guard posix_spawn(&child, executable, &actions, &attributes, argv, environ) == 0 else {
            throw Mosquitto.Failure(description: "cannot start \(executable)")
        }
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
