import FleetProtocol

/// What the collector knows of one device for a drift window: its cohorts and the counts its rollups hold.
public struct DriftWindowInput: Sendable, Equatable {
    public var deviceID: String
    /// Cohort keys: `profile`, `group`, `tag` (each the device's first, in order), `version`.
    public var cohorts: [String: String]
    /// Feature counts over the window, on the baseline's bins.
    public var features: [FeatureCounts]
    /// Predicted-class counts over the window.
    public var predictions: [UInt64]

    public init(deviceID: String, cohorts: [String: String], features: [FeatureCounts], predictions: [UInt64]) {
        self.deviceID = deviceID
        self.cohorts = cohorts
        self.features = features
        self.predictions = predictions
    }
}
