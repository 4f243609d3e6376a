import FleetProtocol

/// Telemetry aggregated over one bucket of time, for one device or one model.
public struct RollupRecord: Codable, Sendable, Equatable {
    /// The bucket's start, ms since 1970.
    public var bucketStart: Int64
    public var resolution: RollupResolution
    /// Reports that fell into the bucket.
    public var reports: UInt64
    public var inferences: UInt64
    public var errors: UInt64
    public var droppedInputs: UInt64
    /// Mean of the reports' throughput (inferences per second of one device).
    public var meanThroughput: Double
    /// Inferences per second over the bucket, summed over devices.
    public var inferencesPerSecond: Double
    /// Latency quantiles over every inference of the bucket, from the merged histograms (µs, ±9 %).
    public var latencyP50Micros: Double?
    public var latencyP95Micros: Double?
    public var latencyP99Micros: Double?
    public var meanCPUCores: Double
    public var maxTemperatureCelsius: Double?
    /// Count of each predicted class over the bucket.
    public var predictions: [UInt64]
    /// Count of the top score per confidence bin (10 bins over 0…1) over the bucket.
    public var confidence: [UInt64]
    /// Live feature counts on the baseline's bins over the bucket (drift statistics read these).
    public var features: [FeatureCounts]

    public init(bucketStart: Int64, resolution: RollupResolution, reports: UInt64, inferences: UInt64, errors: UInt64, droppedInputs: UInt64,
                meanThroughput: Double, inferencesPerSecond: Double, latencyP50Micros: Double?, latencyP95Micros: Double?,
                latencyP99Micros: Double?, meanCPUCores: Double, maxTemperatureCelsius: Double?, predictions: [UInt64],
                confidence: [UInt64] = [], features: [FeatureCounts] = []) {
        self.bucketStart = bucketStart
        self.resolution = resolution
        self.reports = reports
        self.inferences = inferences
        self.errors = errors
        self.droppedInputs = droppedInputs
        self.meanThroughput = meanThroughput
        self.inferencesPerSecond = inferencesPerSecond
        self.latencyP50Micros = latencyP50Micros
        self.latencyP95Micros = latencyP95Micros
        self.latencyP99Micros = latencyP99Micros
        self.meanCPUCores = meanCPUCores
        self.maxTemperatureCelsius = maxTemperatureCelsius
        self.predictions = predictions
        self.confidence = confidence
        self.features = features
    }
}
