/// How the model scored before release, as recorded by the pipeline that trained it.
public struct EvaluationReport: Codable, Sendable, Equatable {
    /// Metric name to value, e.g. `top1`: 0.71.
    public var metrics: [String: Double]
    /// Free-form notes: dataset split, conditions, known weaknesses.
    public var notes: String?
    /// SHA-256 of the full report file kept by the registry, if any.
    public var reportSHA256: String?

    public init(metrics: [String: Double] = [:], notes: String? = nil, reportSHA256: String? = nil) {
        self.metrics = metrics
        self.notes = notes
        self.reportSHA256 = reportSHA256
    }
}
