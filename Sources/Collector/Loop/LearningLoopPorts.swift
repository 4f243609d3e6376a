import FleetProtocol

/// What the learning loop needs from the rest of the collector, one narrow method per step, so that
/// ``LearningLoopService`` can be tested with fakes and the loop does not depend on how datasets, training and
/// rollouts are stored.
public protocol LearningLoopPorts: Sendable {
    /// The newest drift report of `model`'s champion: its id, whether alarms are raised, the drifting cohorts and the
    /// devices they hold (cohort members, drifting and anomalous devices); nil before the first report.
    func newestDrift(model: String) async throws(CollectorError) -> LearningLoop.Input?
    /// Sends a `capture` command to each device.
    func requestCapture(devices: [String], _ request: CaptureRequest, cause: [String: String]) async throws(CollectorError)
    /// Labelled samples of `model` from `devices` captured at or after `since`.
    func labelledSamples(model: String, devices: [String], since: Int64) async throws(CollectorError) -> Int
    /// An immutable snapshot of `model`'s training data plus the labelled samples of `devices` since `since`.
    func takeSnapshot(model: String, devices: [String], since: Int64, cause: [String: String]) async throws(CollectorError)
        -> (id: String, samples: Int)
    /// Queues a training job on a snapshot; returns the job's id.
    func enqueueTraining(model: String, snapshot: String, cause: [String: String]) async throws(CollectorError) -> String
    /// Where a job stands (a finished job names the registered version and the gate's verdict).
    func job(_ id: String) async throws(CollectorError) -> LearningLoop.JobProgress
    /// Starts a staged rollout of a blessed release (with these wave gates, when given); returns the rollout's id.
    func startRollout(model: String, release: UInt64, gates: RolloutGatePolicy?, cause: [String: String]) async throws(CollectorError) -> String
    func rollout(_ id: String) async throws(CollectorError) -> LearningLoop.RolloutProgress
    /// Every registered model's name.
    func registeredModels() async throws(CollectorError) -> [String]
    /// Devices that report `model` now (an operator's cycle without a device list captures from all of them).
    func reportingDevices(model: String) async throws(CollectorError) -> [String]
    /// Appends to the event log.
    func record(_ event: CollectorEvent) async throws(CollectorError)
}
