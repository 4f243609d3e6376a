/// Where a model came from, so a release can be traced and reproduced.
public struct Lineage: Codable, Sendable, Equatable {
    /// The semantic version this model was fine-tuned or derived from; nil for a first model.
    public var parentVersion: String?
    /// SHA-256 of the dataset snapshot it was trained and calibrated on.
    public var datasetSnapshotSHA256: String
    /// The training code's version, e.g. a git commit.
    public var codeVersion: String
    public var evaluation: EvaluationReport

    public init(parentVersion: String? = nil, datasetSnapshotSHA256: String, codeVersion: String,
                evaluation: EvaluationReport = EvaluationReport()) {
        self.parentVersion = parentVersion
        self.datasetSnapshotSHA256 = datasetSnapshotSHA256
        self.codeVersion = codeVersion
        self.evaluation = evaluation
    }
}
