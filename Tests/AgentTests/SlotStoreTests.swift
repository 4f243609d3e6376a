import Agent
import Bundles
import FleetProtocol
import Foundation
import XCTest

/// The state directory: slots, pointers, the floor, the update record, the trust file.
final class SlotStoreTests: XCTestCase {
    func testPointersFloorAndUpdateRecordPersist() throws {
        let root = try AgentFixtures.directory(self, "state") + "/state"
        let slots = try SlotStore(root: root)
        XCTAssertNil(try slots.activeDigest())
        XCTAssertEqual(try slots.floor(), 0)
        let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)
        try slots.install([1, 2, 3], digest: a)
        try slots.install([4, 5], digest: b)
        try slots.setActive(a)
        try slots.setPrevious(b)
        XCTAssertEqual(try slots.slots(), [a, b])
        try slots.raiseFloor(to: 5)
        try slots.raiseFloor(to: 3)
        XCTAssertEqual(try slots.floor(), 5, "the floor never goes down")
        let record = UpdateRecord(assignment: Assignment(assignmentID: "x", name: "kws", version: "2", digest: b, size: 2, chunkSize: 1024),
                                  phase: .probation, previousDigest: a,
                                  target: BundleReference(name: "kws", version: "2", digest: b, releaseCounter: 2), updatedAt: 1)
        try slots.writeUpdate(record)

        let reopened = try SlotStore(root: root)
        XCTAssertEqual(try reopened.activeDigest(), a)
        XCTAssertEqual(try reopened.previousDigest(), b)
        XCTAssertEqual(try reopened.readUpdate(), record)
        try reopened.setPrevious(nil)
        try reopened.removeSlot(b)
        XCTAssertNil(try reopened.previousDigest())
        XCTAssertEqual(try reopened.slots(), [a])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: reopened.slotPath(a))), Data([1, 2, 3]))
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: root).contains { $0.hasSuffix(".tmp") })
    }

    func testTrustIsSeededOnceAndNewerSeedsAreAccepted() throws {
        let keys = try AgentFixtures.keys(self)
        let slots = try SlotStore(root: try AgentFixtures.directory(self, "state") + "/state")
        let root = try keys.rootPublicKey()
        XCTAssertEqual(try slots.trustStore(root: root, seed: keys.trustPath).currentVersion, 1)
        XCTAssertEqual(try slots.trustStore(root: root, seed: nil).currentVersion, 1, "kept in the state directory")
        _ = try keys.rotateRelease(now: AgentFixtures.now, validity: 86_400, rootKey: keys.rootKeyPath)
        XCTAssertEqual(try slots.trustStore(root: root, seed: keys.trustPath).currentVersion, 2)
        let stranger = try AgentFixtures.keys(self)
        let fresh = try SlotStore(root: try AgentFixtures.directory(self, "state") + "/state")
        XCTAssertThrowsError(try fresh.trustStore(root: root, seed: stranger.trustPath), "a trust file by another root is refused")
    }
}
