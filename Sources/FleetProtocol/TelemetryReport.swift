/// One interval of the device's work: what it ran, how fast, on what inputs, with what resources.
///
/// Counts cover `intervalStart..<intervalEnd` and one bundle: when the model switches mid-interval the
/// device sends one report per bundle. Histograms over the bundle's baseline bins let the collector
/// compare live inputs and predictions with the reference distribution (drift).
public struct TelemetryReport: Codable, Sendable, Equatable {
    /// Milliseconds since 1970 UTC.
    public var intervalStart: Int64
    public var intervalEnd: Int64
    /// The bundle that served the interval.
    public var bundle: BundleReference?
    public var inferences: UInt64
    /// Inputs that could not be run (wrong size, unreadable) and other per-inference failures.
    public var errors: UInt64
    /// Inputs discarded because the inference loop was behind (MQTT input buffer full).
    public var droppedInputs: UInt64
    /// Inferences per second over the interval.
    public var throughput: Double
    public var latency: LatencySummary
    /// Count of each predicted class (argmax of output 0), indexed by class.
    public var predictions: [UInt64]
    /// Confidence (top score of output 0, dequantised, clamped to 0…1) on ten equal bins.
    public var confidence: [UInt64]
    /// Live input values per baseline feature, on the baseline's bins; empty when the inputs do not map to features.
    public var features: [FeatureCounts]
    public var resources: ResourceUsage
    public var queue: QueueStatus
    /// Set while a candidate runs in shadow mode beside the serving model.
    public var shadow: ShadowStatistics?
    public var capture: CaptureStatistics
    /// Extra counters and gauges (e.g. from swift-metrics), by label.
    public var counters: [String: Double]

    public init(intervalStart: Int64, intervalEnd: Int64, bundle: BundleReference?, inferences: UInt64, errors: UInt64,
                droppedInputs: UInt64, throughput: Double, latency: LatencySummary, predictions: [UInt64],
                confidence: [UInt64], features: [FeatureCounts], resources: ResourceUsage, queue: QueueStatus,
                shadow: ShadowStatistics?, capture: CaptureStatistics, counters: [String: Double]) {
        self.intervalStart = intervalStart
        self.intervalEnd = intervalEnd
        self.bundle = bundle
        self.inferences = inferences
        self.errors = errors
        self.droppedInputs = droppedInputs
        self.throughput = throughput
        self.latency = latency
        self.predictions = predictions
        self.confidence = confidence
        self.features = features
        self.resources = resources
        self.queue = queue
        self.shadow = shadow
        self.capture = capture
        self.counters = counters
    }
}
