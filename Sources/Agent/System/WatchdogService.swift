import Logging
import ServiceLifecycle

/// Talks to systemd: READY once the loop runs, WATCHDOG while the loop makes progress, STATUS lines,
/// STOPPING when a graceful shutdown begins (it is the last service, so the first to be told).
///
/// The watchdog ping is withheld when the inference loop's heartbeat stops moving (a hung `invoke`, a
/// deadlock): systemd then kills and restarts the agent, as `WatchdogSec` intends.
final class WatchdogService: Service {
    private let notifier: SystemdNotifier
    private let loop: InferenceLoop
    private let status: @Sendable () -> String
    private let logger: Logger

    init(notifier: SystemdNotifier, loop: InferenceLoop, status: @escaping @Sendable () -> String, logger: Logger) {
        self.notifier = notifier
        self.loop = loop
        self.status = status
        self.logger = logger
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await self.watch() }
        notifier.stopping()
    }

    private func watch() async throws {
        while !loop.running.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        notifier.ready(status: status())
        logger.info("agent ready", metadata: ["status": "\(status())"])
        let period = notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(10)
        var lastBeat = loop.heartbeat.load(ordering: .relaxed)
        var lastStatus = ""
        while true {
            try await Task.sleep(for: min(period, .seconds(10)))
            let beat = loop.heartbeat.load(ordering: .relaxed)
            if beat != lastBeat {
                notifier.watchdog()
            } else {
                logger.error("the inference loop made no progress; withholding the systemd watchdog ping")
            }
            lastBeat = beat
            let line = status()
            if line != lastStatus {
                notifier.status(line)
                lastStatus = line
            }
        }
    }
}
