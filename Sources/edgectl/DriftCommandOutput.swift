import Drift

/// The `edgectl drift --json` document (schema `edgefleet.drift.v1`, documented in docs/drift.md).
struct DriftCommandOutput: Encodable {
    var schema = "edgefleet.drift.v1"
    var baselineFile: String
    var currentFile: String
    var baselineRows: Int
    var currentRows: Int
    var bins: Int
    var verdict: DriftVerdict
    var driftShare: Double
    var driftingFeatures: Int
    var features: [FeatureDrift]
    var predictionVerdict: DriftVerdict?
    var predictions: [FeatureDrift]
    var rejected: [RejectedFeature]
    var policy: DriftPolicy

    init(report: DriftReport, baseline: DriftCSV, current: DriftCSV, bins: Int, policy: DriftPolicy) {
        baselineFile = baseline.path
        currentFile = current.path
        baselineRows = baseline.rows
        currentRows = current.rows
        self.bins = bins
        verdict = report.verdict
        driftShare = report.driftShare
        driftingFeatures = report.features.filter { $0.verdict == .drift }.count
        features = report.features
        predictionVerdict = report.predictionVerdict
        predictions = report.predictions
        rejected = report.rejected
        self.policy = policy
    }

    enum CodingKeys: String, CodingKey {
        case schema, baselineFile = "baseline_file", currentFile = "current_file", baselineRows = "baseline_rows"
        case currentRows = "current_rows", bins, verdict, driftShare = "drift_share", driftingFeatures = "drifting_features"
        case features, predictionVerdict = "prediction_verdict", predictions, rejected, policy
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(baselineFile, forKey: .baselineFile)
        try c.encode(currentFile, forKey: .currentFile)
        try c.encode(baselineRows, forKey: .baselineRows)
        try c.encode(currentRows, forKey: .currentRows)
        try c.encode(bins, forKey: .bins)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(driftShare, forKey: .driftShare)
        try c.encode(driftingFeatures, forKey: .driftingFeatures)
        try c.encode(features, forKey: .features)
        try c.encode(predictionVerdict, forKey: .predictionVerdict)  // null when no prediction column was named
        try c.encode(predictions, forKey: .predictions)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(policy, forKey: .policy)
    }
}
