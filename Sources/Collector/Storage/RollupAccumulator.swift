import FleetProtocol

/// Telemetry of one bucket added up in memory, merged into the stored row once per batch.
public struct RollupAccumulator: Sendable {
    public init() {}

    public internal(set) var reports: UInt64 = 0
    public internal(set) var inferences: UInt64 = 0
    public internal(set) var errors: UInt64 = 0
    public internal(set) var dropped: UInt64 = 0
    public internal(set) var throughputSum: Double = 0
    public internal(set) var cpuSum: Double = 0
    public internal(set) var temperatureMax: Double?
    public internal(set) var latency = LatencyHistogram()
    public internal(set) var predictions: [UInt64] = []
    /// Counts of the top score on the report's confidence bins.
    public internal(set) var confidence: [UInt64] = []
    /// Live feature counts on the baseline's bins, by feature: what drift statistics read.
    public internal(set) var features: [FeatureCounts] = []

    public mutating func add(_ report: TelemetryReport) {
        reports &+= 1
        inferences &+= report.inferences
        errors &+= report.errors
        dropped &+= report.droppedInputs
        if report.throughput.isFinite { throughputSum += report.throughput }
        if report.resources.cpuCores.isFinite { cpuSum += report.resources.cpuCores }
        if let temperature = report.resources.temperatureCelsius, temperature.isFinite {
            temperatureMax = Swift.max(temperatureMax ?? temperature, temperature)
        }
        if report.latency.buckets.isEmpty {
            // Without a histogram, the median stands for every inference: coarse but never empty.
            latency.add(micros: report.latency.p50Micros, count: report.latency.count)
        } else {
            latency.add(reportBuckets: report.latency.buckets)
        }
        CountsBlob.add(report.predictions, into: &predictions)
        CountsBlob.add(report.confidence, into: &confidence)
        FeatureCountsBlob.add(report.features, into: &features)
    }

    public mutating func merge(_ other: RollupAccumulator) {
        reports &+= other.reports
        inferences &+= other.inferences
        errors &+= other.errors
        dropped &+= other.dropped
        throughputSum += other.throughputSum
        cpuSum += other.cpuSum
        if let t = other.temperatureMax { temperatureMax = Swift.max(temperatureMax ?? t, t) }
        latency.merge(other.latency)
        CountsBlob.add(other.predictions, into: &predictions)
        CountsBlob.add(other.confidence, into: &confidence)
        FeatureCountsBlob.add(other.features, into: &features)
    }

    /// The API's view of the bucket.
    func record(bucketStart: Int64, resolution: RollupResolution) -> RollupRecord {
        RollupRecord(
            bucketStart: bucketStart, resolution: resolution, reports: reports, inferences: inferences, errors: errors,
            droppedInputs: dropped, meanThroughput: reports == 0 ? 0 : throughputSum / Double(reports),
            inferencesPerSecond: Double(inferences) / (Double(resolution.milliseconds) / 1000),
            latencyP50Micros: latency.quantile(0.5), latencyP95Micros: latency.quantile(0.95), latencyP99Micros: latency.quantile(0.99),
            meanCPUCores: reports == 0 ? 0 : cpuSum / Double(reports), maxTemperatureCelsius: temperatureMax, predictions: predictions,
            confidence: confidence, features: features)
    }
}
