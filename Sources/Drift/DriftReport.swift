/// The result of comparing a current window with a baseline: per feature, per prediction, and for the dataset.
public struct DriftReport: Codable, Equatable, Sendable {
    /// Dataset verdict: `drift` when at least the policy's share of the input features with enough data drift;
    /// `warning` when some feature drifts or warns; `insufficient_data` when no feature has enough data.
    public var verdict: DriftVerdict
    /// Drifting input features over input features with enough data (0 when none has).
    public var driftShare: Double
    /// Input features (not predictions), in baseline order.
    public var features: [FeatureDrift]
    /// Prediction drift, reported separately and excluded from the dataset verdict; nil when no prediction was named.
    public var predictionVerdict: DriftVerdict?
    /// The prediction columns' comparisons.
    public var predictions: [FeatureDrift]
    /// Features that could not be compared (e.g. a constant baseline), with the reason.
    public var rejected: [RejectedFeature]
    /// Baseline rows (raw-row comparisons) or the largest baseline histogram total.
    public var baselineRows: Int
    /// Current rows (raw-row comparisons) or the largest current histogram total.
    public var currentRows: Int

    enum CodingKeys: String, CodingKey {
        case verdict, driftShare = "drift_share", features, predictionVerdict = "prediction_verdict", predictions, rejected
        case baselineRows = "baseline_rows", currentRows = "current_rows"
    }

    /// Whether anything alarms: a feature, a prediction or the dataset at `warning` or `drift`.
    public var alarms: Bool {
        verdict >= .warning || (predictionVerdict ?? .noDrift) >= .warning
    }
}
