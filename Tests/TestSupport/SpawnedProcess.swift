import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Child processes for tests that stop them with real signals.
public enum SpawnedProcess {
    /// Starts `executable` with posix_spawn and returns its pid.
    ///
    /// Not Foundation's `Process`: the test runner's threads block signals and a child inherits that mask, so it
    /// would never see SIGTERM. Here the child gets an empty mask and default handlers, stdin from /dev/null, and
    /// stdout and stderr appended to `logPath`. `environment` (`KEY=VALUE` strings) replaces the runner's when given.
    public static func start(_ executable: String, _ arguments: [String], environment: [String]? = nil,
                             logPath: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc: Int32
        if let environment {
            let envp = environment.map { strdup($0) } + [nil]
            defer { envp.forEach { free($0) } }
            rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        } else {
            rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        }
        guard rc == 0 else { throw Mosquitto.Failure(description: "cannot start \(executable): error \(rc)") }
        return child
    }
}
