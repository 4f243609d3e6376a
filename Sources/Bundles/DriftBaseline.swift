/// The reference data a device compares live traffic with: per-feature histograms, input statistics, an
/// embedding sketch and predicted classes.
///
/// `inputStatistics` and `embedding` are optional: bundles built before they existed decode unchanged, and
/// their canonical JSON is byte-identical (nil fields are not encoded).
public struct DriftBaseline: Codable, Sendable, Equatable {
    /// Number of reference rows (or tensors) the histograms were computed from.
    public var sampleCount: Int
    /// Tabular features: one histogram per input element (empty for a baseline of raw tensors).
    public var features: [FeatureHistogram]
    public var predictions: ClassDistribution
    /// Summary statistics of the input tensor (baselines built from raw tensors).
    public var inputStatistics: InputStatisticsBaseline?
    /// Random projection of an intermediate tensor.
    public var embedding: EmbeddingBaseline?

    public init(sampleCount: Int, features: [FeatureHistogram], predictions: ClassDistribution,
                inputStatistics: InputStatisticsBaseline? = nil, embedding: EmbeddingBaseline? = nil) {
        self.sampleCount = sampleCount
        self.features = features
        self.predictions = predictions
        self.inputStatistics = inputStatistics
        self.embedding = embedding
    }

    /// Every histogram a device may report, in the order it sends them: tabular features, input statistics,
    /// embedding dimensions. Telemetry `features` carry the same names.
    public var allFeatures: [FeatureHistogram] {
        features + (inputStatistics?.features ?? []) + (embedding?.features ?? [])
    }

    /// The section bytes: canonical JSON.
    public func encoded() throws(BundleError) -> [UInt8] { try CanonicalJSON.encode(self, "the drift baseline") }

    /// Decodes and checks a baseline section.
    public static func decode(_ bytes: some Collection<UInt8>) throws(BundleError) -> DriftBaseline {
        let baseline = try CanonicalJSON.decode(DriftBaseline.self, from: bytes, "the drift baseline")
        for feature in baseline.features { try feature.validate() }
        try baseline.inputStatistics?.validate()
        try baseline.embedding?.validate()
        return baseline
    }
}
