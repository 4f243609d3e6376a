@testable import Collector
import FleetProtocol
import Foundation
import PostgresNIO
import XCTest

/// How often a batch writes a device's row on PostgreSQL (issue 19: the upsert and the final `UPDATE` wrote every row
/// twice). A row trigger records each insert and update of `devices`; a `SELECT … FOR UPDATE` is no write and fires
/// none.
extension PostgresStoreTests {
    /// New devices are inserted once, with what their messages decided (not inserted, then updated); a later batch writes a known
    /// device's row once, however many of its messages it holds; a batch that changes nothing (duplicates received in
    /// the same millisecond) writes no row. The values written are the decided ones.
    func testABatchWritesAKnownDeviceRowOnceAndAnUnchangedRowNever() async throws {
        let store = try await open()
        try await countDeviceWrites(store)
        func writes() async throws -> [String: Int] { try await deviceWrites(store) }
        let devices = ["w0", "w1", "w2"]
        // First contact: a birth and a first report each.
        // Report times are explicit: `now` is fixed when XCTest creates the test objects (minutes before this runs in
        // a full suite), and Messages.report's default time is the real clock.
        let firstReport = Messages.report(at: now, p50: 10_000)
        let opened = try await store.ingest(devices.flatMap { [Messages.birth(device: $0, seq: 1),
                                                               Messages.telemetry(device: $0, seq: 2, report: firstReport)] },
                                            receivedAt: now)
        XCTAssertEqual(opened.stored, 6)
        let first = try await writes()
        XCTAssertEqual(first, ["INSERT": 3], "a new device: written once, by its insert, with its birth and report")
        for id in devices {
            let device = try await store.device(id)
            XCTAssertEqual(device?.firstSeenAt, now, id)
            XCTAssertEqual(device?.lastSeenAt, now, id)
            XCTAssertEqual(device?.latest?.latencyP50Micros, 10_000, "the first report, in the insert")
            XCTAssertEqual(device?.profile, "rpi-4b-2gb", "the birth, in the insert")
            XCTAssertEqual(device?.online, true, "a birth brings a new device online")
            XCTAssertEqual(device?.currentBundle?.digest, Messages.bundle.digest, id)
        }

        // Known devices, three reports each, received later: one write per row.
        let later = now + 1000
        let report = Messages.report(at: now + 60_000, p50: 42_000)   // newer than the first reports
        let steady = try await store.ingest(devices.flatMap { device in (3...5).map { Messages.telemetry(device: device, seq: $0, report: report) } },
                                            receivedAt: later)
        XCTAssertEqual(steady.stored, 9)
        let second = try await writes()
        XCTAssertEqual(second, ["UPDATE": 3], "a known device's row written once per batch, not locked by a write first")

        // Only copies already stored, received in the same millisecond: nothing to write.
        let copies = try await store.ingest(devices.map { Messages.telemetry(device: $0, seq: 4) }, receivedAt: later)
        XCTAssertEqual(copies.duplicates, 3)
        let third = try await writes()
        XCTAssertEqual(third, [:], "a row the batch does not change is not written")

        // The one write carried the decided values.
        for id in devices {
            let device = try await store.device(id)
            XCTAssertEqual(device?.lastSeenAt, later, id)
            XCTAssertEqual(device?.firstSeenAt, now, id)
            XCTAssertEqual(device?.latest?.latencyP50Micros, 42_000, id)
            XCTAssertEqual(device?.profile, "rpi-4b-2gb", id)
            XCTAssertEqual(device?.online, true, id)
            XCTAssertEqual(device?.currentBundle?.digest, Messages.bundle.digest, id)
        }
    }

    /// Two collectors' first batches hold the same new devices at the same moment (a shared subscription hands one
    /// device's birth to one and its first report to the other): each device is inserted exactly once — the second
    /// batch waits on the device's lock, then finds it and updates it — and every message is stored once.
    func testTwoCollectorsMeetingTheSameNewDevicesInsertEachOnce() async throws {
        let first = try await open(), second = try await open()
        try await countDeviceWrites(first)
        let devices = (0..<50).map { "race-\($0)" }
        let now = self.now
        let births = devices.map { Messages.birth(device: $0, seq: 1) }
        let reports = devices.map { Messages.telemetry(device: $0, seq: 2, report: Messages.report(at: now, p50: 20_000)) }
        let stored = try await withThrowingTaskGroup(of: Int.self) { group in
            for (store, batch) in [(first, births), (second, reports)] {
                group.addTask { try await PostgresStoreTests.retryingBusy { try await store.ingest(batch, receivedAt: now) }.stored }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(stored, 2 * devices.count, "each message stored once")
        let counted = try await deviceWrites(first)
        XCTAssertEqual(counted["INSERT"], devices.count, "each new device inserted by exactly one of the two batches")
        XCTAssertEqual(counted["UPDATE"] ?? 0, devices.count, "the batch that waited found the devices and wrote each row once")
        for id in devices {
            let acked = try await first.acknowledged(deviceID: id, stream: "s1")
            XCTAssertEqual(acked, 2, id)
            let device = try await second.device(id)
            XCTAssertEqual(device?.profile, "rpi-4b-2gb", "the birth's batch's state, whichever came first")
            XCTAssertEqual(device?.latest?.latencyP50Micros, 20_000, "the report's batch's state, whichever came first")
        }
    }

    /// Records every insert and update of `devices` in `device_writes` (a row trigger; a lock fires none).
    func countDeviceWrites(_ store: PostgresStore) async throws {
        try await store.writing("counting device writes") { connection in
            let logger = CollectorHarness.logger
            _ = try await connection.query("CREATE TABLE device_writes (op TEXT NOT NULL, id TEXT NOT NULL)", logger: logger).collect()
            _ = try await connection.query("""
                CREATE FUNCTION record_device_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO device_writes VALUES (TG_OP, NEW.id); RETURN NEW; END $$
                """, logger: logger).collect()
            _ = try await connection.query("""
                CREATE TRIGGER device_writes BEFORE INSERT OR UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION record_device_write()
                """, logger: logger).collect()
        }
    }

    /// The writes recorded since the last call, by operation; clears them.
    func deviceWrites(_ store: PostgresStore) async throws -> [String: Int] {
        try await store.writing("reading and clearing device writes") { connection in
            var counts: [String: Int] = [:]
            for try await (op, count) in try await connection.query(
                "SELECT op, count(*) FROM device_writes GROUP BY op", logger: CollectorHarness.logger).decode((String, Int64).self) {
                counts[op] = Int(count)
            }
            _ = try await connection.query("DELETE FROM device_writes", logger: CollectorHarness.logger).collect()
            return counts
        }
    }
}
