import Drift

/// Everything the collector keeps: the union of the role protocols, each narrow enough for a second engine
/// (PostgreSQL) to implement without re-implementing the rules.
///
/// Domain rules do not live here: which messages are new, quarantined or replays is ``StreamLedger``; how telemetry
/// folds into rollups is ``RollupFolding``; the order of update phases is ``PhaseOrder``. A store applies them and
/// persists the result. Every implementation runs the store contract suite (`Tests/CollectorTests/StoreContractTests`).
///
/// Each method is one transaction. Implementations throw ``CollectorError`` with `storageFull` or
/// `storageBusy` for conditions that pass (ingest retries those), `storage` for the rest.
public typealias CollectorStore = IngestStore & FleetStore & RegistryStore & DistributionStore & MaintenanceStore & DriftStore & LoopStore
    & RolloutStore & LearningStore & OperationsStore

/// The ingest role: batches of device messages in, acknowledgements out.
public protocol IngestStore: Sendable {
    /// Stores a batch atomically: new messages once (replays skipped, implausible ones quarantined), device state,
    /// rollups, and the advanced acknowledgement of every stream the batch touched.
    func ingest(_ batch: [IngestMessage], receivedAt: Int64, limits: StreamLedger.Limits) async throws(CollectorError) -> IngestOutcome

    /// The acknowledged sequence number of a stream (0 if unknown).
    func acknowledged(deviceID: String, stream: String) async throws(CollectorError) -> UInt64

    /// Quarantined messages, newest first (all devices when `deviceID` is nil).
    func quarantined(deviceID: String?, limit: Int) async throws(CollectorError) -> [QuarantinedMessage]
}

extension IngestStore {
    /// Stores a batch under the default plausibility limits.
    public func ingest(_ batch: [IngestMessage], receivedAt: Int64) async throws(CollectorError) -> IngestOutcome {
        try await ingest(batch, receivedAt: receivedAt, limits: StreamLedger.Limits())
    }
}

/// The fleet role: devices, their telemetry and rollups, and the event log.
public protocol FleetStore: Sendable {
    /// Devices matching `filter` in byte order of their IDs: `limit` of them after `offset`, from the keyset cursors.
    func devices(_ filter: DeviceFilter) async throws(CollectorError) -> [DeviceRecord]
    /// Counts of the devices matching `filter` (limit, offset and cursors ignored) and of those whose ID sorts before
    /// `preceding`: one aggregate query, for a page's totals and position.
    func deviceTotals(_ filter: DeviceFilter, preceding: String?) async throws(CollectorError) -> DeviceTotals
    func device(_ id: String) async throws(CollectorError) -> DeviceRecord?
    /// Replaces the tags and/or groups of an existing device.
    func updateLabels(deviceID: String, tags: [String]?, groups: [String]?) async throws(CollectorError) -> DeviceRecord
    /// Devices online and in total.
    func deviceCounts() async throws(CollectorError) -> (online: Int, total: Int)
    /// Devices first seen after `since` (exclusive; the collector's clock at their first stored message), oldest first
    /// (then by ID), at most `limit`: an index range, so a pass looking for devices that registered since the last one
    /// reads those, not the fleet.
    func devices(firstSeenAfter since: Int64, limit: Int) async throws(CollectorError) -> [DeviceRecord]
    /// For each of `profiles`, the models its devices currently serve (profiles no device of which serves a model are
    /// absent): one aggregate, for deciding which model a new device without a bundle belongs to.
    func servedModels(profiles: [String]) async throws(CollectorError) -> [String: Set<String>]

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

    func events(_ filter: EventFilter) async throws(CollectorError) -> [EventRecord]
    func record(_ event: CollectorEvent, at time: Int64) async throws(CollectorError)
}

/// The operations role: what `/metrics` exports for alerts and dashboards (docs/operations.md).
public protocol OperationsStore: Sendable {
    func operationsFigures() async throws(CollectorError) -> OperationsFigures
}

/// The registry role: models, immutable versions, aliases, tags and blessing.
public protocol RegistryStore: Sendable {
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
}

/// The distribution role: assignments of bundles to devices and the chunks served for them.
public protocol DistributionStore: Sendable {
    func insert(_ assignment: AssignmentRecord) async throws(CollectorError)
    func assignments(deviceID: String?, digest: String?, limit: Int) async throws(CollectorError) -> [AssignmentRecord]
    /// Each listed device's latest assignment (what `assignments(deviceID:digest:nil,limit:1)` returns for it), in one
    /// query per batch: births of a whole ingest batch are answered without a lookup each. Devices without one are absent.
    func latestAssignments(deviceIDs: [String]) async throws(CollectorError) -> [String: AssignmentRecord]
    func recordServed(_ chunks: [ChunkServed]) async throws(CollectorError)
    func downloads(deviceID: String?, digest: String?) async throws(CollectorError) -> [DownloadProgress]
}

/// The maintenance role: retention.
public protocol MaintenanceStore: Sendable {
    /// Deletes data older than the policy allows, in bounded steps.
    func applyRetention(_ policy: RetentionPolicy, now: Int64) async throws(CollectorError) -> RetentionResult
}

/// The drift role: reports, the alarm state per model version, and the feature windows they are computed from.
public protocol DriftStore: Sendable {
    /// Stores a report and the alarm state after it, in one transaction; returns the report with its id.
    func insert(_ report: DriftReportRecord, hysteresis: [String: DriftHysteresis]) async throws(CollectorError) -> DriftReportRecord
    /// Reports of a model (optionally one version), newest first.
    func driftReports(model: String, digest: String?, limit: Int) async throws(CollectorError) -> [DriftReportRecord]
    func driftReport(id: Int64) async throws(CollectorError) -> DriftReportRecord?
    /// The alarm state of a model version (empty before its first report).
    func driftHysteresis(model: String, digest: String) async throws(CollectorError) -> [String: DriftHysteresis]
    /// Per device, the minute rollups of `range` added up (features, predictions, confidence): one read for a window.
    func rollupTotals(deviceIDs: [String], range: TimeRange) async throws(CollectorError) -> [String: RollupRecord]
}

/// The learning loop role: each model's loop state, and what the fleet's labels say about its models.
public protocol LoopStore: Sendable {
    func learningLoop(model: String) async throws(CollectorError) -> LearningLoop?
    func learningLoops() async throws(CollectorError) -> [LearningLoop]
    /// Replaces the stored state of `loop.model`'s loop.
    func save(_ loop: LearningLoop) async throws(CollectorError)
    /// Labels received for samples of `model`'s versions from `devices` (all devices when nil), captured at or after `since`.
    func labelCount(model: String, devices: [String]?, since: Int64) async throws(CollectorError) -> Int
    /// Labels of `model`'s versions captured at or after `since`, counted per version and device profile, with how
    /// many equalled the device's prediction: the fleet's measured accuracy.
    func labelAccuracy(model: String, since: Int64) async throws(CollectorError) -> [LabelAccuracy]
}

/// The rollout role: persisted rollouts, which devices each claims, the telemetry their gates read, and the ledger
/// of which version each device served when.
public protocol RolloutStore: Sendable {
    /// Stores a new rollout and claims its devices in one transaction; `conflict`, naming the devices, if an active
    /// rollout already holds any of them (two rollouts never claim the same device).
    func insertRollout(_ rollout: RolloutRecord) async throws(CollectorError)
    /// Replaces a rollout's state; a rollout that is no longer active releases its devices.
    func updateRollout(_ rollout: RolloutRecord) async throws(CollectorError)
    func rollout(id: String) async throws(CollectorError) -> RolloutRecord?
    /// Rollouts, newest first (only running, paused or rolling back ones when `activeOnly`).
    func rollouts(activeOnly: Bool, limit: Int) async throws(CollectorError) -> [RolloutRecord]
    /// The active rollout holding each of these devices, for those held.
    func rolloutClaims(deviceIDs: [String]) async throws(CollectorError) -> [String: String]
    /// Claims these devices for an active rollout (devices that registered after it was created and join it), each
    /// unless another rollout holds it; returns the rollout holding each device afterwards. Idempotent: claiming a
    /// device the rollout already holds changes nothing.
    func claimRolloutDevices(rolloutID: String, deviceIDs: [String]) async throws(CollectorError) -> [String: String]
    /// Telemetry reports of these devices on the bundle `digest` in `range` (by placement time), oldest first.
    func rolloutReports(deviceIDs: [String], digest: String, range: TimeRange) async throws(CollectorError) -> [RolloutReport]
    /// Which version each device served from when to when, from its stored telemetry (see ``VersionSpan``).
    func versionLedger(_ query: VersionLedgerQuery) async throws(CollectorError) -> [VersionSpan]
}
