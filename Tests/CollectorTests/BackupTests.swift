@testable import Collector
import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// Backup and restore in-process on real files: a round trip, and every bad input refused with its code, leaving
/// the destination as it was. (Under load against a running collector process: CollectorEndToEndTests.BackupEndToEndTests.)
final class BackupTests: XCTestCase {
    var root: URL!
    var state: String { root.appendingPathComponent("state").path }
    let now = Int64(Date().timeIntervalSince1970 * 1000)

    override func setUpWithError() throws {
        root = try Fixtures.temporaryDirectory("collector-backup")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// A state directory with a database holding `reports` telemetry reports of d1, a bundle, tokens and a partial upload.
    func makeState(reports: UInt64 = 20) async throws {
        let store = try SQLiteStore(path: "\(state)/collector.sqlite", logger: CollectorHarness.logger)
        _ = try await store.ingest([Messages.birth(device: "d1", seq: 1)] + (2...(reports + 1)).map { Messages.telemetry(device: "d1", seq: $0) },
                                   receivedAt: now)
        let repository = try BundleRepository(root: "\(state)/bundles")
        try repository.put(Array("a bundle".utf8))
        try Data("partial".utf8).write(to: URL(fileURLWithPath: "\(state)/bundles/incoming/upload-1"))
        try Data(#"[{"name":"admin","role":"admin","token":"0123456789abcdef0123"}]"#.utf8).write(to: URL(fileURLWithPath: "\(state)/tokens.json"))
    }

    func testARoundTripRestoresTheDatabaseBundlesAndTokens() async throws {
        try await makeState()
        let backup = root.appendingPathComponent("state.efbackup").path
        let manifest = try StateBackup.create(stateDirectory: state, out: backup)
        XCTAssertEqual(manifest.entries.first?.path, "collector.sqlite", "the database snapshot comes first")
        XCTAssertEqual(Set(manifest.entries.dropFirst().map(\.path)),
                       ["tokens.json", "bundles/sha256/\(BundleRepository.digest(of: Array("a bundle".utf8)).prefix(2))/\(BundleRepository.digest(of: Array("a bundle".utf8)))"],
                       "bundles and tokens, not the live WAL files nor partial uploads")
        XCTAssertTrue(manifest.migrations.contains("v9-learning-loop"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(backup).partial"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(backup).snapshot-partial"), "the staged snapshot is removed")

        let restored = root.appendingPathComponent("restored").path
        let again = try StateRestore.restore(from: backup, stateDirectory: restored)
        XCTAssertEqual(again, manifest)
        let store = try SQLiteStore(path: "\(restored)/collector.sqlite", logger: CollectorHarness.logger)
        let count = try await store.telemetryCount(deviceID: "d1")
        XCTAssertEqual(count, 20)
        let acked = try await store.acknowledged(deviceID: "d1", stream: "s1")
        XCTAssertEqual(acked, 21)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(restored)/tokens.json")),
                       try Data(contentsOf: URL(fileURLWithPath: "\(state)/tokens.json")))
        let bundles = try BundleRepository(root: "\(restored)/bundles")
        XCTAssertEqual(try bundles.read(BundleRepository.digest(of: Array("a bundle".utf8))), Array("a bundle".utf8))
    }

    func testATruncatedBackupIsRefusedAndLeavesNothingBehind() async throws {
        try await makeState()
        let backup = root.appendingPathComponent("state.efbackup").path
        try StateBackup.create(stateDirectory: state, out: backup)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        for cut in [5, bytes.count / 2, bytes.count - 1] {
            let truncated = root.appendingPathComponent("cut-\(cut)").path
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: truncated))
            let destination = root.appendingPathComponent("restored-\(cut)").path
            XCTAssertThrowsError(try StateRestore.restore(from: truncated, stateDirectory: destination)) { error in
                let error = error as? BackupError
                XCTAssertEqual(error?.code, cut == 5 ? .notABackup : .truncated, "\(cut) bytes: \(String(describing: error))")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: destination), "a failed restore removes the directory it created")
        }
    }

    func testAForeignOrDamagedFileIsRefused() async throws {
        try await makeState()
        let foreign = root.appendingPathComponent("foreign.tar").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: foreign))
        XCTAssertThrowsError(try StateRestore.restore(from: foreign, stateDirectory: root.appendingPathComponent("r1").path)) { error in
            XCTAssertEqual((error as? BackupError)?.code, .notABackup)
            XCTAssertTrue((error as? BackupError)?.message.contains("not an EdgeFleet backup") ?? false)
        }
        let backup = root.appendingPathComponent("state.efbackup").path
        try StateBackup.create(stateDirectory: state, out: backup)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        bytes[bytes.count / 3] ^= 0xFF
        let damaged = root.appendingPathComponent("damaged").path
        try bytes.write(to: URL(fileURLWithPath: damaged))
        XCTAssertThrowsError(try StateRestore.restore(from: damaged, stateDirectory: root.appendingPathComponent("r2").path)) { error in
            XCTAssertEqual((error as? BackupError)?.code, .corrupt, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("r2").path))
        XCTAssertThrowsError(try StateRestore.restore(from: root.appendingPathComponent("absent").path, stateDirectory: root.appendingPathComponent("r3").path)) { error in
            XCTAssertEqual((error as? BackupError)?.code, .notABackup)
        }
    }

    func testARestoreIntoANonEmptyDirectoryIsRefusedAndTouchesNothing() async throws {
        try await makeState()
        let backup = root.appendingPathComponent("state.efbackup").path
        try StateBackup.create(stateDirectory: state, out: backup)
        XCTAssertThrowsError(try StateRestore.restore(from: backup, stateDirectory: state)) { error in
            XCTAssertEqual((error as? BackupError)?.code, .destinationNotEmpty)
        }
        let store = try SQLiteStore(path: "\(state)/collector.sqlite", logger: CollectorHarness.logger)
        let count = try await store.telemetryCount(deviceID: "d1")
        XCTAssertEqual(count, 20, "the existing state is intact")
        let empty = root.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try StateRestore.restore(from: backup, stateDirectory: empty)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(empty)/collector.sqlite"), "an empty directory is fine")
    }

    func testABackupToAnUnwritablePathOrOfNoStateFailsClearly() async throws {
        try await makeState()
        try Data("a file".utf8).write(to: root.appendingPathComponent("file"))
        let out = root.appendingPathComponent("file/backup").path
        XCTAssertThrowsError(try StateBackup.create(stateDirectory: state, out: out)) { error in
            XCTAssertEqual((error as? BackupError)?.code, .unwritableOutput, "\(error)")
        }
        XCTAssertThrowsError(try StateBackup.create(stateDirectory: root.appendingPathComponent("nowhere").path,
                                                    out: root.appendingPathComponent("b").path)) { error in
            XCTAssertEqual((error as? BackupError)?.code, .unreadableState)
            XCTAssertTrue((error as? BackupError)?.message.contains("state directory") ?? false)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("b.partial").path))
    }

    func testADatabaseOfANewerSchemaIsRefusedOnOpenAndOnRestore() async throws {
        try await makeState()
        let backup = root.appendingPathComponent("state.efbackup").path
        try StateBackup.create(stateDirectory: state, out: backup)
        try sqlite("\(state)/collector.sqlite", "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        XCTAssertThrowsError(try SQLiteStore(path: "\(state)/collector.sqlite", logger: CollectorHarness.logger)) { error in
            let error = error as? CollectorError
            XCTAssertEqual(error?.code, .storage)
            XCTAssertTrue(error?.message.contains("newer edge-collector") ?? false, "\(String(describing: error))")
            XCTAssertTrue(error?.message.contains("v99-from-the-future") ?? false)
        }
        let newer = root.appendingPathComponent("newer.efbackup").path
        try StateBackup.create(stateDirectory: state, out: newer)
        XCTAssertThrowsError(try StateRestore.restore(from: newer, stateDirectory: root.appendingPathComponent("r").path)) { error in
            XCTAssertEqual((error as? BackupError)?.code, .newerSchema, "\(error)")
        }
        XCTAssertNoThrow(try StateRestore.restore(from: backup, stateDirectory: root.appendingPathComponent("older").path),
                         "the backup taken before the newer migration restores")
    }

    func testTheThrottlingTrackerCountsCurrentThrottlingBitsOnly() {
        let tracker = ThrottlingTracker()
        XCTAssertNil(tracker.update(device: "a", throttled: 0))
        XCTAssertNil(tracker.update(device: "a", throttled: 0x1), "under-voltage alone is not throttling")
        XCTAssertNil(tracker.update(device: "a", throttled: 0x50000), "bits 16–19 say since boot, not now")
        XCTAssertEqual(tracker.update(device: "a", throttled: 0x4), 1)
        XCTAssertEqual(tracker.update(device: "b", throttled: 0x8), 2, "the soft temperature limit")
        XCTAssertNil(tracker.update(device: "b", throttled: 0x2), "still throttling: no change")
        XCTAssertEqual(tracker.update(device: "a", throttled: nil), 1, "a report without bits clears it")
        XCTAssertEqual(tracker.forget(device: "b"), 0)
        XCTAssertEqual(tracker.count, 0)
        XCTAssertEqual(tracker.update(device: "c", throttled: nil, thermalState: .throttling), 1, "the agent's own throttling")
        XCTAssertNil(tracker.update(device: "c", throttled: 0, thermalState: .paused), "paused is throttling too")
        XCTAssertEqual(tracker.update(device: "c", throttled: 0, thermalState: .normal), 0)
    }

    func sqlite(_ database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }
}
