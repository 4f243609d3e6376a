import CoreMetrics
import Synchronization

/// The collector's metrics, created from an explicit factory so tests and replicas need no global state.
///
/// The executable passes a `PrometheusMetricsFactory` whose registry `/metrics` emits.
public final class CollectorMetrics: Sendable {
    let factory: any MetricsFactory
    public let received: Counter
    public let stored: Counter
    public let duplicates: Counter
    public let acknowledgementsPublished: Counter
    public let queueDepth: Gauge
    public let batchSize: Recorder
    public let batchCommit: Timer
    public let ingestPaused: Gauge
    public let mqttDropped: Gauge
    public let ingestRate: Gauge
    public let chunksServed: Counter
    public let chunkBytes: Counter
    public let devicesOnline: Gauge
    public let devices: Gauge
    /// Seconds from the device's timestamp of the oldest message in the last committed batch to its commit.
    public let ingestLag: Gauge
    /// Devices whose latest report carries firmware throttling bits (``ThrottlingTracker``).
    public let devicesThrottling: Gauge
    /// Free and total bytes of the file system holding the state directory.
    public let diskFreeBytes: Gauge
    public let diskSizeBytes: Gauge
    /// Device streams with a gap not yet filled, and messages devices declared lost (``OperationsFigures``).
    public let streamsWithGaps: Gauge
    public let lostMessages: Gauge
    /// Which devices are throttling, by their latest report (fed by ingest).
    public let throttling = ThrottlingTracker()
    private let rejections: Mutex<[String: Counter]> = Mutex([:])
    private let storeFailures: Mutex<[String: Counter]> = Mutex([:])
    private let quarantines: Mutex<[String: Counter]> = Mutex([:])
    private let latencyGauges: Mutex<[String: Gauge]> = Mutex([:])
    private let driftGauges: Mutex<[String: Gauge]> = Mutex([:])
    private let operationsGauges: Mutex<[String: Gauge]> = Mutex([:])
    private let gateCounters: Mutex<[String: Counter]> = Mutex([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
        received = Counter(label: "edgefleet_collector_messages_received_total", factory: factory)
        stored = Counter(label: "edgefleet_collector_messages_stored_total", factory: factory)
        duplicates = Counter(label: "edgefleet_collector_messages_duplicate_total", factory: factory)
        acknowledgementsPublished = Counter(label: "edgefleet_collector_acks_published_total", factory: factory)
        queueDepth = Gauge(label: "edgefleet_collector_ingest_queue_depth", factory: factory)
        batchSize = Recorder(label: "edgefleet_collector_batch_messages", factory: factory)
        batchCommit = Timer(label: "edgefleet_collector_batch_commit_seconds", factory: factory)
        ingestPaused = Gauge(label: "edgefleet_collector_ingest_paused", factory: factory)
        mqttDropped = Gauge(label: "edgefleet_collector_mqtt_dropped_messages", factory: factory)
        ingestRate = Gauge(label: "edgefleet_collector_ingest_messages_per_second", factory: factory)
        chunksServed = Counter(label: "edgefleet_collector_bundle_chunks_served_total", factory: factory)
        chunkBytes = Counter(label: "edgefleet_collector_bundle_chunk_bytes_total", factory: factory)
        devicesOnline = Gauge(label: "edgefleet_fleet_devices_online", factory: factory)
        devices = Gauge(label: "edgefleet_fleet_devices", factory: factory)
        ingestLag = Gauge(label: "edgefleet_collector_ingest_lag_seconds", factory: factory)
        devicesThrottling = Gauge(label: "edgefleet_devices_throttling", factory: factory)
        diskFreeBytes = Gauge(label: "edgefleet_collector_disk_free_bytes", factory: factory)
        diskSizeBytes = Gauge(label: "edgefleet_collector_disk_size_bytes", factory: factory)
        streamsWithGaps = Gauge(label: "edgefleet_telemetry_streams_with_gaps", factory: factory)
        lostMessages = Gauge(label: "edgefleet_telemetry_lost_messages", factory: factory)
        // Series that exist from the start, so `increase()` and the dashboard see zero rather than nothing.
        devicesThrottling.record(0)
        streamsWithGaps.record(0)
        lostMessages.record(0)
        ingestLag.record(0)
    }

    /// Sets the per-profile device gauges: known, offline, and the online devices' maximum and mean temperature
    /// (NaN when none reported one, so a graph shows a gap rather than a stale value).
    public func setProfile(_ figures: OperationsFigures.Profile) {
        let profile = [("profile", figures.profile)]
        gauge(in: operationsGauges, label: "edgefleet_devices_known", dimensions: profile).record(figures.known)
        gauge(in: operationsGauges, label: "edgefleet_devices_offline", dimensions: profile).record(figures.offline)
        gauge(in: operationsGauges, label: "edgefleet_devices_temperature_celsius", dimensions: profile + [("statistic", "max")])
            .record(figures.maximumTemperature ?? Double.nan)
        gauge(in: operationsGauges, label: "edgefleet_devices_temperature_celsius", dimensions: profile + [("statistic", "mean")])
            .record(figures.meanTemperature ?? Double.nan)
    }

    /// Sets the number of rollouts in every state (0 for states with none, so every state has a series).
    public func setRollouts(_ counts: [String: Int]) {
        for state in ["running", "paused", "rollingBack", "rolledBack", "completed"] {
            gauge(in: operationsGauges, label: "edgefleet_rollouts", dimensions: [("state", state)]).record(counts[state] ?? 0)
        }
    }

    /// Counts a blessing-gate decision on a version of `model` (`by: 0` creates the model's series at zero).
    public func gateDecided(model: String, blessed: Bool, by count: Int = 1) {
        let decision = blessed ? "blessed" : "refused"
        let counter = gateCounters.withLock { counters in
            let key = "\(model)\u{0}\(decision)"
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "edgefleet_gate_decisions_total", dimensions: [("model", model), ("decision", decision)], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment(by: count)
    }

    /// Counts a rejected message by reason (a bounded set of codes).
    public func rejected(_ reason: IngestRejection.Reason) {
        counter(in: rejections, label: "edgefleet_collector_messages_rejected_total", dimension: ("reason", reason.rawValue)).increment()
    }

    /// Counts messages quarantined as implausible, by reason (``StreamLedger/QuarantineReason``).
    public func quarantined(_ reason: StreamLedger.QuarantineReason, count: Int) {
        counter(in: quarantines, label: "edgefleet_collector_messages_quarantined_total", dimension: ("reason", reason.rawValue))
            .increment(by: count)
    }

    /// Counts a failed batch write by error code.
    public func storeFailed(_ code: CollectorError.Code) {
        counter(in: storeFailures, label: "edgefleet_collector_store_failures_total", dimension: ("code", code.rawValue)).increment()
    }

    /// Sets the fleet latency quantile of a model (µs).
    public func setLatency(model: String, quantile: String, micros: Double) {
        let key = "\(model)\u{0}\(quantile)"
        let gauge = latencyGauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = Gauge(label: "edgefleet_fleet_latency_microseconds", dimensions: [("model", model), ("quantile", quantile)], factory: factory)
            gauges[key] = gauge
            return gauge
        }
        gauge.record(micros)
    }

    /// Sets a model's drift figures: per feature the score (effect over its threshold; ≥ 1 with significance is
    /// drift) and whether its alarm is raised, and the model's verdict rank (0 insufficient data … 3 drift).
    public func setDrift(model: String, feature: String, score: Double, alarm: Bool) {
        gauge(in: driftGauges, label: "edgefleet_drift_score", dimensions: [("model", model), ("feature", feature)]).record(score.isFinite ? score : 0)
        gauge(in: driftGauges, label: "edgefleet_drift_alarm", dimensions: [("model", model), ("feature", feature)]).record(alarm ? 1 : 0)
    }

    public func setDriftVerdict(model: String, rank: Int) {
        gauge(in: driftGauges, label: "edgefleet_drift_verdict", dimensions: [("model", model)]).record(rank)
    }

    private func gauge(in table: borrowing Mutex<[String: Gauge]>, label: String, dimensions: [(String, String)]) -> Gauge {
        let key = ([label] + dimensions.map(\.1)).joined(separator: "\u{0}")
        return table.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = Gauge(label: label, dimensions: dimensions, factory: factory)
            gauges[key] = gauge
            return gauge
        }
    }

    private func counter(in table: borrowing Mutex<[String: Counter]>, label: String, dimension: (String, String)) -> Counter {
        table.withLock { counters in
            if let counter = counters[dimension.1] { return counter }
            let counter = Counter(label: label, dimensions: [dimension], factory: factory)
            counters[dimension.1] = counter
            return counter
        }
    }
}
