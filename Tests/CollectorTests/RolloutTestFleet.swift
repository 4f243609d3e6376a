@testable import Collector
import FleetProtocol
import Foundation
import Synchronization

/// A rollout actuator for tests: records what the engine sent and stores the assignments as the distribution
/// service would (so the engine's "never assign twice" check reads real rows); devices answer through ingest.
final class RolloutTestFleet: RolloutActuator {
    let store: any CollectorStore
    let clock: any WallClock
    private let sent = Mutex<(assigned: [String], rollbacks: [String], ids: [String: String], resent: [String], champions: [String])>(([], [], [:], [], []))

    init(store: any CollectorStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    var assigned: [String] { sent.withLock { $0.assigned } }
    var rollbacks: [String] { sent.withLock { $0.rollbacks } }
    /// Devices sent their assignment again (install retries), in order.
    var resent: [String] { sent.withLock { $0.resent } }
    /// Devices assigned their model's champion as new devices.
    var champions: [String] { sent.withLock { $0.champions } }
    /// The newest assignment ID sent to a device.
    func assignmentID(_ device: String) -> String? { sent.withLock { $0.ids[device] } }

    func assign(_ version: ModelVersionRecord, to deviceID: String, createdBy: String, probationSeconds: Double?) async throws(CollectorError) {
        let id = "asg-\(deviceID)-\(version.release)-\(UInt32.random(in: 0...UInt32.max))"
        try await store.insert(AssignmentRecord(id: id, deviceID: deviceID, model: version.model, release: version.release, version: version.version,
                                                digest: version.digest, size: version.size, chunkSize: 1024, probationSeconds: probationSeconds,
                                                createdAt: clock.now(), createdBy: createdBy))
        sent.withLock {
            if createdBy == "champion:new-device" {
                $0.champions.append(deviceID)
            } else {
                $0.assigned.append(deviceID)
            }
            $0.ids[deviceID] = id
        }
    }

    func rollback(to version: ModelVersionRecord, deviceID: String, createdBy: String, asAssignment: Bool) async throws(CollectorError) {
        let id = "rbk-\(deviceID)-\(UInt32.random(in: 0...UInt32.max))"
        try await store.insert(AssignmentRecord(id: id, deviceID: deviceID, model: version.model, release: version.release, version: version.version,
                                                digest: version.digest, size: version.size, chunkSize: 1024, createdAt: clock.now(), createdBy: createdBy))
        sent.withLock { $0.rollbacks.append(deviceID) }
    }

    func resend(_ assignment: AssignmentRecord) async throws(CollectorError) {
        sent.withLock { $0.resent.append(assignment.deviceID) }
    }
}
