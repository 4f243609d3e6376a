import Collector
import FleetProtocol
import Foundation
import XCTest

extension StoreContract {
    /// Births of a whole batch are answered with one lookup: each listed device's latest assignment, exactly what
    /// the per-device listing's first row is (newest creation time, then the later insert), devices without one absent.
    func latestAssignmentsAnswerABatchOfDevicesAsOneByOne() async throws {
        let store = try await open()
        func record(_ id: String, device: String, at time: Int64) -> AssignmentRecord {
            AssignmentRecord(id: id, deviceID: device, model: "keyword-spotter", release: 2, version: "1.1.0", digest: Messages.bundle.digest,
                             size: 100, chunkSize: 50, createdAt: time, createdBy: "test")
        }
        try await store.insert(record("asg-new", device: "la-1", at: now))
        try await store.insert(record("asg-old", device: "la-1", at: now - 60_000))
        try await store.insert(record("asg-first", device: "la-2", at: now))
        try await store.insert(record("asg-second", device: "la-2", at: now))
        try await store.insert(record("asg-other", device: "la-other", at: now))
        // More devices than one statement's chunk of the SQLite adapter (500 parameters).
        let many = (0..<520).map { "la-many-\($0)" }
        for (index, device) in many.enumerated() where index % 2 == 0 {
            try await store.insert(record("asg-many-\(index)", device: device, at: now - Int64(index)))
        }
        let asked = ["la-1", "la-2", "la-none", "la-1"] + many
        let latest = try await store.latestAssignments(deviceIDs: asked)
        XCTAssertEqual(latest["la-1"]?.id, "asg-new", "the newest creation time")
        XCTAssertEqual(latest["la-2"]?.id, "asg-second", "at one creation time, the later insert")
        XCTAssertNil(latest["la-none"], "a device without an assignment is absent")
        XCTAssertNil(latest["la-other"], "only the devices asked for")
        XCTAssertEqual(latest.count, 2 + 260)
        for device in Set(asked) {
            let one = try await store.assignments(deviceID: device, digest: nil, limit: 1).first
            XCTAssertEqual(latest[device]?.id, one?.id, "\(device): as the one-by-one lookup")
            XCTAssertEqual(latest[device]?.phase, one?.phase)
            XCTAssertEqual(latest[device]?.createdAt, one?.createdAt)
            XCTAssertEqual(latest[device]?.chunkSize, one?.chunkSize)
        }
        let none = try await store.latestAssignments(deviceIDs: [])
        XCTAssertTrue(none.isEmpty)
    }
}
