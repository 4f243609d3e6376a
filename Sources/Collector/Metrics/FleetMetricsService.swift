import Logging
import MQTT
import ServiceLifecycle

/// Refreshes the fleet gauges of `/metrics` (devices online, per-model latency quantiles, ingest rate).
///
/// Quantiles come from the per-model minute rollups of the last `window`, merged: a fleet-wide view that
/// no single device's report can give.
public final class FleetMetricsService: Service, Sendable {
    let store: any FleetStore
    let clock: any WallClock
    let metrics: CollectorMetrics
    let client: MQTTClient?
    let interval: Duration
    let window: Duration
    /// Only the leader refreshes the fleet gauges on its schedule (a scrape refreshes them anywhere).
    let leadership: any Leadership
    let logger: Logger
    let storedCount: @Sendable () -> Int

    public init(store: any FleetStore, metrics: CollectorMetrics, client: MQTTClient?, interval: Duration = .seconds(10),
                window: Duration = .seconds(300), clock: any WallClock = SystemWallClock(),
                leadership: any Leadership = SoleLeadership(), logger: Logger,
                storedCount: @escaping @Sendable () -> Int) {
        self.store = store
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
        do {
            let counts = try await store.deviceCounts()
            metrics.devicesOnline.record(counts.online)
            metrics.devices.record(counts.total)
            let since = RollupResolution.minute.bucket(containing: clock.now() - window.nanoseconds / 1_000_000)
            for latency in try await store.modelLatencies(since: since) {
                metrics.setLatency(model: latency.model, quantile: "0.5", micros: latency.p50Micros)
                metrics.setLatency(model: latency.model, quantile: "0.95", micros: latency.p95Micros)
                metrics.setLatency(model: latency.model, quantile: "0.99", micros: latency.p99Micros)
            }
            if let client { metrics.mqttDropped.record(client.droppedMessageCount) }
        } catch {
            logger.debug("refreshing fleet metrics failed", metadata: ["error": "\(error.message)"])
        }
    }
}
