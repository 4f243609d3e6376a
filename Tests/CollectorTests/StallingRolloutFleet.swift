@testable import Collector
import Synchronization

/// A rollout actuator that holds its first assignment until released: a rollout step paused in the middle, for a
/// test to move the leader lease under it.
final class StallingRolloutFleet: RolloutActuator {
    let inner: RolloutTestFleet
    private let flags = Mutex<(stalled: Bool, released: Bool)>((false, false))

    init(_ inner: RolloutTestFleet) {
        self.inner = inner
    }

    /// Whether a step reached its first assignment and waits.
    var stalled: Bool { flags.withLock { $0.stalled } }

    func release() {
        flags.withLock { $0.released = true }
    }

    func assign(_ version: ModelVersionRecord, to deviceID: String, createdBy: String, probationSeconds: Double?) async throws(CollectorError) {
        flags.withLock { $0.stalled = true }
        while !flags.withLock({ $0.released }) { try? await Task.sleep(for: .milliseconds(20)) }
        try await inner.assign(version, to: deviceID, createdBy: createdBy, probationSeconds: probationSeconds)
    }

    func rollback(to version: ModelVersionRecord, deviceID: String, createdBy: String, asAssignment: Bool) async throws(CollectorError) {
        try await inner.rollback(to: version, deviceID: deviceID, createdBy: createdBy, asAssignment: asAssignment)
    }

    func resend(_ assignment: AssignmentRecord) async throws(CollectorError) {
        try await inner.resend(assignment)
    }
}
