/// Everything the collector keeps, behind an interface narrow enough for a second engine (PostgreSQL).
///
/// Each method is one transaction. Implementations throw ``CollectorError`` with `storageFull` or
/// `storageBusy` for conditions that pass (ingest retries those), `storage` for the rest.
public protocol CollectorStore: Sendable {
    // MARK: Ingest

    /// Stores a batch atomically: new messages once (replays are skipped), device state, rollups, and the
    /// advanced acknowledgement of every stream the batch touched.
    func ingest(_ batch: [IngestMessage], receivedAt: Int64) async throws(CollectorError) -> IngestOutcome

    /// The acknowledged sequence number of a stream (0 if unknown).
    func acknowledged(deviceID: String, stream: String) async throws(CollectorError) -> UInt64

    // MARK: Devices

    func devices(_ filter: DeviceFilter) async throws(CollectorError) -> [DeviceRecord]
    func device(_ id: String) async throws(CollectorError) -> DeviceRecord?
    /// Replaces the tags and/or groups of an existing device.
    func updateLabels(deviceID: String, tags: [String]?, groups: [String]?) async throws(CollectorError) -> DeviceRecord
    /// Devices online and in total.
    func deviceCounts() async throws(CollectorError) -> (online: Int, total: Int)

    // MARK: Telemetry

    /// Raw reports of a device in a time range (by interval end), oldest first.
    func telemetry(deviceID: String, range: TimeRange, limit: Int) async throws(CollectorError) -> [TelemetryRecord]
    /// Rollup buckets in a time range, oldest first.
    func rollups(_ subject: RollupSubject, resolution: RollupResolution, range: TimeRange) async throws(CollectorError) -> [RollupRecord]
    /// Fleet latency quantiles per model over minute buckets starting at or after `since`.
    func modelLatencies(since: Int64) async throws(CollectorError) -> [ModelLatency]
    /// Telemetry rows stored (exact; scans the table without a device).
    func telemetryCount(deviceID: String?) async throws(CollectorError) -> Int
    /// Telemetry reports stored since the database was created (retention deletions included): cheap, for summaries.
    func telemetryStoredEver() async throws(CollectorError) -> Int

    // MARK: Events

    func events(_ filter: EventFilter) async throws(CollectorError) -> [EventRecord]
    func record(_ event: CollectorEvent, at time: Int64) async throws(CollectorError)

    // MARK: Models

    func models() async throws(CollectorError) -> [ModelRecord]
    func versions(model: String) async throws(CollectorError) -> [ModelVersionRecord]
    func version(model: String, release: UInt64) async throws(CollectorError) -> ModelVersionRecord?
    func version(digest: String) async throws(CollectorError) -> ModelVersionRecord?
    /// Adds a version; `conflict` if the model already has that release counter or the digest is registered.
    func insert(_ version: NewModelVersion) async throws(CollectorError) -> ModelVersionRecord
    /// Points `alias` at a release of `model`; returns the previous release, if any.
    func setAlias(model: String, alias: String, release: UInt64, by actor: String, at time: Int64) async throws(CollectorError) -> UInt64?
    func removeAlias(model: String, alias: String, by actor: String, at time: Int64) async throws(CollectorError)
    func setTags(model: String, release: UInt64, tags: [String]) async throws(CollectorError) -> ModelVersionRecord
    func setBlessed(model: String, release: UInt64, blessed: Bool, by actor: String, at time: Int64) async throws(CollectorError) -> ModelVersionRecord
    /// Devices per bundle digest for a model's versions ("where each runs").
    func deployment(model: String) async throws(CollectorError) -> [String: [String]]

    // MARK: Distribution

    func insert(_ assignment: AssignmentRecord) async throws(CollectorError)
    func assignments(deviceID: String?, digest: String?, limit: Int) async throws(CollectorError) -> [AssignmentRecord]
    func recordServed(_ chunks: [ChunkServed]) async throws(CollectorError)
    func downloads(deviceID: String?, digest: String?) async throws(CollectorError) -> [DownloadProgress]

    // MARK: Maintenance

    /// Deletes data older than the policy allows, in bounded steps.
    func applyRetention(_ policy: RetentionPolicy, now: Int64) async throws(CollectorError) -> RetentionResult
}
