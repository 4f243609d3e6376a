/// Where one feature's drift sits: nowhere, in single devices, in cohorts, or across the fleet.
public struct FeatureAttribution: Codable, Equatable, Sendable {
    /// The most general level that drifts.
    public enum Kind: String, Codable, Sendable {
        /// No device, cohort or fleet aggregate has enough data.
        case insufficientData = "insufficient_data"
        /// Nothing drifts.
        case none
        /// Only single devices drift while their cohort-mates do not: a broken, stuck or miscalibrated sensor.
        case deviceAnomaly = "device_anomaly"
        /// A cohort's population drifts while the rest of the fleet does not.
        case cohortDrift = "cohort_drift"
        /// The fleet drifts, not confined to any one cohort.
        case fleetWide = "fleet_wide"
    }

    /// One cohort's aggregate for this feature.
    public struct CohortResult: Codable, Equatable, Sendable {
        public var cohort: Cohort
        /// Members with enough data (anomalous devices excluded).
        public var members: Int
        /// Of those, members whose own window drifts.
        public var driftingMembers: Int
        /// The members' pooled counts (anomalous devices excluded) against the baseline.
        public var aggregate: FeatureDrift
        /// The other devices' pooled counts (anomalous devices excluded) against the baseline; nil without others.
        public var outsiders: FeatureDrift?
        /// Whether the rule attributes drift to this cohort.
        public var drifts: Bool

        enum CodingKeys: String, CodingKey {
            case cohort, members, driftingMembers = "drifting_members", aggregate, outsiders, drifts
        }
    }

    public var feature: String
    public var kind: Kind
    /// Devices whose own window drifts on this feature.
    public var driftingDevices: [String]
    /// The drifting devices attributed to a device anomaly.
    public var anomalousDevices: [String]
    /// Cohorts attributed population drift.
    public var driftingCohorts: [Cohort]
    /// Every cohort's aggregate.
    public var cohorts: [CohortResult]
    /// All devices' pooled counts (anomalous devices excluded) against the baseline.
    public var fleet: FeatureDrift

    enum CodingKeys: String, CodingKey {
        case feature, kind, driftingDevices = "drifting_devices", anomalousDevices = "anomalous_devices"
        case driftingCohorts = "drifting_cohorts", cohorts, fleet
    }
}
