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
}

/// A cohort: the devices sharing one value of one key.
public struct Cohort: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public var description: String { "\(key)=\(value)" }

    public static func < (lhs: Cohort, rhs: Cohort) -> Bool { (lhs.key, lhs.value) < (rhs.key, rhs.value) }
}
