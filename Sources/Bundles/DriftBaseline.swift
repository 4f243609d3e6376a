/// The reference data a device compares live traffic with: per-feature histograms and predicted classes.
public struct DriftBaseline: Codable, Sendable, Equatable {
    /// Number of reference rows the histograms were computed from.
    public var sampleCount: Int
    public var features: [FeatureHistogram]
    public var predictions: ClassDistribution

    public init(sampleCount: Int, features: [FeatureHistogram], predictions: ClassDistribution) {
        self.sampleCount = sampleCount
        self.features = features
        self.predictions = predictions
    }

    /// The section bytes: canonical JSON.
    public func encoded() throws(BundleError) -> [UInt8] { try CanonicalJSON.encode(self, "the drift baseline") }

    /// Decodes and checks a baseline section.
    public static func decode(_ bytes: some Collection<UInt8>) throws(BundleError) -> DriftBaseline {
        let baseline = try CanonicalJSON.decode(DriftBaseline.self, from: bytes, "the drift baseline")
        for feature in baseline.features { try feature.validate() }
        return baseline
    }
}
