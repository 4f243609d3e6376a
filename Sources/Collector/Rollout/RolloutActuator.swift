/// What the rollout engine does to devices; ``DistributionService`` in the collector, a recorder in unit tests.
public protocol RolloutActuator: Sendable {
    /// Records an assignment of `version` to the device (created by `createdBy`, with that probation) and sends it.
    func assign(_ version: ModelVersionRecord, to deviceID: String, createdBy: String, probationSeconds: Double?) async throws(CollectorError)
    /// Records an assignment of `version` (the champion) and sends it as a `rollback` command, or as a plain
    /// `assign` when `asAssignment` (for agents that do not know `rollback`).
    func rollback(to version: ModelVersionRecord, deviceID: String, createdBy: String, asAssignment: Bool) async throws(CollectorError)
    /// Sends a stored assignment again, unchanged (same ID, so the device's reports still match it): a retry after
    /// the install timeout. A device that already has it ignores the repeat.
    func resend(_ assignment: AssignmentRecord) async throws(CollectorError)
}
