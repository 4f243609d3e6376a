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
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var variables = ProcessInfo.processInfo.environment
        variables["NOTIFY_SOCKET"] = nil
        variables["EDGE_AGENT_HOLD_AFTER"] = nil
        for (key, value) in environment { variables[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw Mosquitto.Failure(description: "cannot start \(executable): error \(rc)") }
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
