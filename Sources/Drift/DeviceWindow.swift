/// One device's current window: its per-feature counts on the baseline's bins and its cohort keys.
public struct DeviceWindow: Codable, Equatable, Sendable {
    /// The device's identifier.
    public var deviceID: String
    /// Cohort membership, key to value: e.g. "profile": "rpi4", "group": "plant-3", "model_version": "1.4.0", "tag": "pumps".
    public var cohorts: [String: String]
    /// Counts per feature on the baseline's bins (edges may be left empty).
    public var histograms: [DriftHistogram]

    public init(deviceID: String, cohorts: [String: String], histograms: [DriftHistogram]) {
        self.deviceID = deviceID
        self.cohorts = cohorts
        self.histograms = histograms
    }

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id", cohorts, histograms
    }
}
