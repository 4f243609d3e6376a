import Drift

/// One drift computation for one model version, as stored and served: the fleet's pooled comparison, the
/// attribution to devices and cohorts, and the alarms it raised or cleared.
public struct DriftReportRecord: Codable, Sendable, Equatable {
    /// Assigned by the store (0 before it is stored).
    public var id: Int64
    public var model: String
    public var version: String
    public var digest: String
    /// When it was computed (ms since 1970) and the window it covers.
    public var computedAt: Int64
    public var windowFrom: Int64
    public var windowTo: Int64
    /// `schedule` or `request`.
    public var trigger: String
    /// Devices whose rollups were read.
    public var devices: Int
    /// The fleet's pooled counts against the baseline (dataset verdict; prediction drift separately).
    public var fleet: DriftReport
    /// Per feature, where the drift sits (device anomaly, cohort drift, fleet-wide), and each device's comparison.
    public var attribution: AttributionReport
    /// Features whose alarm (with hysteresis) is raised after this report.
    public var alarms: [String]
    /// Alarms raised or cleared by this report.
    public var changes: [DriftAlarmChange]
    /// Devices left out, with the reason (e.g. counts on other bins than the baseline's).
    public var skippedDevices: [String: String]
    /// The policy the verdicts were made under.
    public var policy: DriftPolicy

    public init(id: Int64 = 0, model: String, version: String, digest: String, computedAt: Int64, windowFrom: Int64, windowTo: Int64,
                trigger: String, devices: Int, fleet: DriftReport, attribution: AttributionReport, alarms: [String],
                changes: [DriftAlarmChange], skippedDevices: [String: String], policy: DriftPolicy) {
        self.id = id
        self.model = model
        self.version = version
        self.digest = digest
        self.computedAt = computedAt
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.trigger = trigger
        self.devices = devices
        self.fleet = fleet
        self.attribution = attribution
        self.alarms = alarms
        self.changes = changes
        self.skippedDevices = skippedDevices
        self.policy = policy
    }

    /// The most severe verdict in the report: the dataset's, the predictions', or an alarm's.
    public var verdict: DriftVerdict {
        var verdict = max(fleet.verdict, fleet.predictionVerdict ?? .insufficientData)
        if !alarms.isEmpty { verdict = .drift }
        return verdict
    }
}

/// An alarm raised, cleared or moved (its attribution changed while raised) for one feature of one model version.
public struct DriftAlarmChange: Codable, Sendable, Equatable {
    public var feature: String
    /// True when raised or moved, false when cleared.
    public var raised: Bool
    /// True when the alarm was already raised and where the drift sits changed (kind, cohorts or devices): a first
    /// window often sees a few devices and calls it fleet-wide; once the fleet reports, it is attributed properly.
    public var moved: Bool
    /// Where the drift sits when raised (`device_anomaly`, `cohort_drift`, `fleet_wide`).
    public var kind: FeatureAttribution.Kind
    /// The drifting cohorts (`key=value`) and the anomalous devices, when raised.
    public var cohorts: [String]
    public var devices: [String]
    /// The largest score (effect over its threshold) seen for the feature.
    public var score: Double

    public init(feature: String, raised: Bool, moved: Bool = false, kind: FeatureAttribution.Kind, cohorts: [String], devices: [String],
                score: Double) {
        self.feature = feature
        self.raised = raised
        self.moved = moved
        self.kind = kind
        self.cohorts = cohorts
        self.devices = devices
        self.score = score
    }
}
