/// The learning role: the content-addressed sample store, immutable dataset snapshots, the gate's evaluation
/// reports and the persisted training-job queue.
///
/// Rules live outside (hashing and splits in ``DatasetSample`` and ``DatasetSnapshot``, selection in
/// ``DatasetService``); a store keeps them. Snapshots and their member lists are never updated or deleted, and
/// retention never deletes a sample a snapshot references.
public protocol LearningStore: Sendable {
    /// Stores samples by hash; an already stored hash keeps its bytes and takes the new label when one is given.
    /// Returns how many were new.
    func putSamples(_ samples: [DatasetSample]) async throws(CollectorError) -> Int
    /// Samples by hash (missing hashes are left out).
    func samples(hashes: [String]) async throws(CollectorError) -> [DatasetSample]
    /// Labelled samples of a model whose source is `import`, optionally within a time range (by `capturedAt`).
    func importedSamples(model: String, from: Int64?, to: Int64?) async throws(CollectorError) -> [DatasetSample]
    /// Captured samples (table `samples`) with a label, of the model's versions (by bundle digest), from the given
    /// devices (nil: any), in a time range.
    func labelledCaptures(digests: [String], deviceIDs: [String]?, from: Int64?, to: Int64?, limit: Int) async throws(CollectorError)
        -> [CapturedSampleRow]
    /// Records which content hash a captured row was stored under (retention then keeps it while a snapshot needs it).
    func linkCaptures(_ links: [(rowID: Int64, hash: String)]) async throws(CollectorError)

    /// Stores a snapshot; an identical one (same id) is returned as it was first stored.
    func insert(_ snapshot: DatasetSnapshot) async throws(CollectorError) -> DatasetSnapshot
    func snapshot(id: String) async throws(CollectorError) -> DatasetSnapshot?
    /// Snapshots of a model (all models when nil), newest first, without members.
    func snapshots(model: String?, limit: Int) async throws(CollectorError) -> [SnapshotSummary]

    /// Stores the gate's report on a version and sets the version's `blessed` flag from it, in one transaction.
    func insert(_ evaluation: EvaluationRecord) async throws(CollectorError) -> EvaluationRecord
    /// Reports on a version, newest first.
    func evaluations(model: String, release: UInt64) async throws(CollectorError) -> [EvaluationRecord]

    /// Adds a job in state `queued`; returns it with its id.
    func insert(_ job: TrainingJobRecord) async throws(CollectorError) -> TrainingJobRecord
    func job(id: Int64) async throws(CollectorError) -> TrainingJobRecord?
    /// Jobs, newest first (optionally of one model, in some states).
    func jobs(model: String?, states: [TrainingJobState]?, limit: Int) async throws(CollectorError) -> [TrainingJobRecord]
    /// Moves a job to `state` when it is in one of `from` (compare-and-set); returns the job after, or nil when it
    /// was not in any of `from`.
    func transition(jobID: Int64, from: [TrainingJobState], to state: TrainingJobState, progress: Double?, message: String?,
                    result: String?, at time: Int64) async throws(CollectorError) -> TrainingJobRecord?
}
