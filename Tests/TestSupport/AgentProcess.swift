import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `edge-agent` process, started with posix_spawn (so SIGTERM and SIGKILL reach it as they would from
/// systemd), its output in a log file. Shared by the agent and collector end-to-end tests.
public final class AgentProcess: @unchecked Sendable {
    public let pid: pid_t
    public let logPath: String
    private var status: Int32?

    /// Starts `edge-agent` with `arguments` and extra environment variables.
    public init(arguments: [String], environment: [String: String] = [:], logPath: String) throws {
        let executable = try ProductProcess.path("edge-agent")
        self.logPath = logPath
        var variables = ProcessInfo.processInfo.environment
        variables["NOTIFY_SOCKET"] = nil
        variables["EDGE_AGENT_HOLD_AFTER"] = nil
        for (key, value) in environment { variables[key] = value }
        let child = try SpawnedProcess.start(executable, arguments, environment: variables.map { "\($0.key)=\($0.value)" },
                                             logPath: logPath)
        pid = child
    }

    deinit { kill() }

    /// The agent's log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM: a graceful shutdown.
    public func terminate() { Glibc.kill(pid, SIGTERM) }

    /// SIGKILL, and reaps the process.
    public func kill() {
        guard status == nil else { return }
        Glibc.kill(pid, SIGKILL)
        _ = waitForExit(timeout: .seconds(10))
    }

    /// The exit status once the process has ended (within `timeout`), or nil.
    public func waitForExit(timeout: Duration) -> Int32? {
        if let status { return status }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                // WIFEXITED / WEXITSTATUS, and signals as 128 + number like a shell.
                let signal = raw & 0x7F
                status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
                return status
            }
            usleep(20_000)
        }
        return nil
    }
}
