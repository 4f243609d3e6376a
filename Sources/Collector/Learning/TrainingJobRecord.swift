/// A training job as persisted: what to train on, how, and what became of it.
public struct TrainingJobRecord: Codable, Sendable, Equatable {
    /// Assigned by the store.
    public var id: Int64
    public var model: String
    public var snapshotID: String
    /// `mlp`, `head`, `autoencoder` or `external`.
    public var kind: String
    /// The job's options as JSON (hidden layers, seed, epochs, …; see docs/learning.md).
    public var options: String
    public var state: TrainingJobState
    /// 0…1.
    public var progress: Double
    /// The last progress line, or the error for a failed job.
    public var message: String?
    /// For a succeeded job: the registered release counter.
    public var result: String?
    public var createdAt: Int64
    public var createdBy: String
    public var updatedAt: Int64
    /// What caused it (a snapshot id, a drift report), for the event chain.
    public var cause: String?

    public init(id: Int64 = 0, model: String, snapshotID: String, kind: String, options: String = "{}", state: TrainingJobState = .queued,
                progress: Double = 0, message: String? = nil, result: String? = nil, createdAt: Int64, createdBy: String,
                updatedAt: Int64? = nil, cause: String? = nil) {
        self.id = id
        self.model = model
        self.snapshotID = snapshotID
        self.kind = kind
        self.options = options
        self.state = state
        self.progress = progress
        self.message = message
        self.result = result
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
        self.cause = cause
    }
}
