/// The attribution of every feature, with each device's own comparison.
public struct AttributionReport: Codable, Equatable, Sendable {
    public var features: [FeatureAttribution]
    /// Per device, its features' comparisons (p-values adjusted across all features × devices).
    public var devices: [String: [FeatureDrift]]

    public init(features: [FeatureAttribution], devices: [String: [FeatureDrift]]) {
        self.features = features
        self.devices = devices
    }
}
