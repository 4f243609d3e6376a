/// The gate's report on one model version, stored with it.
public struct EvaluationRecord: Codable, Sendable, Equatable {
    /// Assigned by the store.
    public var id: Int64
    public var model: String
    public var release: UInt64
    /// The snapshot whose validation split the candidate was judged on.
    public var snapshotID: String
    public var blessed: Bool
    public var reasons: [String]
    /// The `GateReport` as JSON (schema `edgefleet.gate.v1`).
    public var report: String
    public var evaluatedAt: Int64
    public var evaluatedBy: String

    public init(id: Int64 = 0, model: String, release: UInt64, snapshotID: String, blessed: Bool, reasons: [String], report: String,
                evaluatedAt: Int64, evaluatedBy: String) {
        self.id = id
        self.model = model
        self.release = release
        self.snapshotID = snapshotID
        self.blessed = blessed
        self.reasons = reasons
        self.report = report
        self.evaluatedAt = evaluatedAt
        self.evaluatedBy = evaluatedBy
    }
}
