import Logging
import ServiceLifecycle

/// Deletes telemetry, rollups, events and samples past their retention, periodically and in small steps.
public final class RetentionService: Service, Sendable {
    let store: any MaintenanceStore
    let clock: any WallClock
    let policy: RetentionPolicy
    let interval: Duration
    /// Only the leader deletes (one pass at a time over a shared database).
    let leadership: any Leadership
    let logger: Logger

    public init(store: any MaintenanceStore, policy: RetentionPolicy, interval: Duration = .seconds(600), clock: any WallClock = SystemWallClock(),
                leadership: any Leadership = SoleLeadership(), logger: Logger) {
        self.store = store
        self.leadership = leadership
        self.clock = clock
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            // Not the leader: the leader's pass covers the shared database.
            await leadership.leading { await pass() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// One retention pass, logged.
    func pass() async {
        do {
            let removed = try await store.applyRetention(policy, now: clock.now())
            if removed.total > 0 {
                logger.info("retention removed old data", metadata: [
                    "telemetry": "\(removed.telemetry)", "rollups": "\(removed.rollups)", "events": "\(removed.events)",
                    "samples": "\(removed.samples)",
                ])
            }
        } catch {
            logger.warning("retention pass failed; retrying later", metadata: ["error": "\(error.message)"])
        }
    }
}
