import Foundation
import Logging
import MQTT
import ServiceLifecycle

/// Refreshes the fleet gauges of `/metrics` (devices online and per profile, per-model latency quantiles, ingest
/// rate, rollouts by state, stream gaps and losses, the state directory's free disk).
///
/// Quantiles come from the per-model minute rollups of the last `window`, merged: a fleet-wide view that
/// no single device's report can give.
public final class FleetMetricsService: Service, Sendable {
    let store: any FleetStore & OperationsStore
    /// The state directory, whose file system's free space is exported (nil: not exported).
    let stateDirectory: String?
    let clock: any WallClock
    let metrics: CollectorMetrics
    let client: MQTTClient?
    let interval: Duration
    let window: Duration
    /// Only the leader refreshes the fleet gauges on its schedule (a scrape refreshes them anywhere).
    let leadership: any Leadership
    let logger: Logger
    let storedCount: @Sendable () -> Int

    public init(store: any FleetStore & OperationsStore, stateDirectory: String? = nil, metrics: CollectorMetrics, client: MQTTClient?, interval: Duration = .seconds(10),
                window: Duration = .seconds(300), clock: any WallClock = SystemWallClock(),
                leadership: any Leadership = SoleLeadership(), logger: Logger,
                storedCount: @escaping @Sendable () -> Int) {
        self.store = store
        self.stateDirectory = stateDirectory
        self.leadership = leadership
        self.clock = clock
        self.metrics = metrics
        self.client = client
        self.interval = interval
        self.window = window
        self.logger = logger
        self.storedCount = storedCount
    }

    public func run() async throws {
        var previous = (count: storedCount(), at: ContinuousClock.now)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await leadership.leading { await refresh() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            let now = (count: storedCount(), at: ContinuousClock.now)
            let seconds = Double((now.at - previous.at).nanoseconds) / 1e9
            if seconds > 0 { metrics.ingestRate.record(Double(now.count - previous.count) / seconds) }
            previous = now
        }
    }

    /// One refresh of every fleet gauge.
    public func refresh() async {
        // First and outside the store's errors: a full disk is when the store fails and this matters most.
        recordDisk()
        do {
            let counts = try await store.deviceCounts()
            metrics.devicesOnline.record(counts.online)
            metrics.devices.record(counts.total)
            let since = RollupResolution.minute.bucket(containing: clock.now() - window.nanoseconds / 1_000_000)
            for latency in try await store.modelLatencies(since: since) {
                metrics.setLatency(model: latency.model, quantile: "0.5", micros: latency.p50Micros)
                metrics.setLatency(model: latency.model, quantile: "0.95", micros: latency.p95Micros)
                metrics.setLatency(model: latency.model, quantile: "0.99", micros: latency.p99Micros)
                // The gate's series exist for every model the fleet runs, at zero until a decision: `increase()`
                // then sees the first decision, and the dashboard shows 0 rather than no data.
                metrics.gateDecided(model: latency.model, blessed: true, by: 0)
                metrics.gateDecided(model: latency.model, blessed: false, by: 0)
            }
            let figures = try await store.operationsFigures()
            for profile in figures.profiles { metrics.setProfile(profile) }
            metrics.setRollouts(figures.rollouts)
            metrics.streamsWithGaps.record(figures.streamsWithGaps)
            metrics.lostMessages.record(figures.lostMessages)
            if let client { metrics.mqttDropped.record(client.droppedMessageCount) }
        } catch {
            logger.debug("refreshing fleet metrics failed", metadata: ["error": "\(error.message)"])
        }
    }

    /// Free and total bytes of the state directory's file system (what the database, bundles and backups staged
    /// there compete for).
    func recordDisk() {
        guard let stateDirectory, let attributes = try? FileManager.default.attributesOfFileSystem(forPath: stateDirectory) else { return }
        if let free = (attributes[.systemFreeSize] as? NSNumber)?.int64Value { metrics.diskFreeBytes.record(free) }
        if let size = (attributes[.systemSize] as? NSNumber)?.int64Value { metrics.diskSizeBytes.record(size) }
    }
}
