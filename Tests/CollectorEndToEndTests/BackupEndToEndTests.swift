import FleetSim
import Foundation
import Logging
import TestSupport
import XCTest

/// `edge-collector backup` and `restore` as an operator runs them: against a collector process that keeps ingesting
/// from a simulated fleet, then a second collector started on the restored directory.
final class BackupEndToEndTests: XCTestCase {
    var logger: Logger {
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        return logger
    }

    func testABackupUnderLoadHoldsEveryAcknowledgedMessageAndBadInputLeavesTheCollectorRunning() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-backup")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port)
        try collector.start()
        defer { collector.stop(SIGKILL) }
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 5, prefix: "bak", reportsPerSecond: 50,
                                                                        resendAfter: .seconds(2)), logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await waitUntil("the collector acknowledges a first part", timeout: 60) { simulator.statistics.acknowledged > 300 }

        // Every message acknowledged now, before the backup begins, must be in it.
        let acknowledgedBefore = simulator.devices.map { ($0.id, $0.statistics.acknowledged) }
        let backup = root.appendingPathComponent("fleet.efbackup").path
        let result = try ProductProcess.run("edge-collector", ["backup", "--state-directory", state.path, "--out", backup])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("backup written: \(backup)"), result.stdout)
        let afterBackup = simulator.statistics.acknowledged
        try await waitUntil("ingest goes on after the backup", timeout: 30) { simulator.statistics.acknowledged > afterBackup + 100 }

        // Bad input, each refused with its reason while the collector keeps running.
        try Data("not a directory".utf8).write(to: root.appendingPathComponent("file"))
        try expectFailure(["backup", "--state-directory", state.path, "--out", root.appendingPathComponent("file/fleet.efbackup").path],
                          code: "unwritableOutput")
        let small = root.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        // A full disk: a 64 KiB tmpfs in a private mount namespace, smaller than the database.
        let full = try Self.run("/usr/bin/unshare", ["-Urm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$1\" && exec \"$2\" backup --state-directory \"$3\" --out \"$1/fleet.efbackup\"",
                                                     "sh", small.path, try ProductProcess.path("edge-collector"), state.path])
        XCTAssertEqual(full.status, 1, full.output)
        XCTAssertTrue(full.output.contains("error: diskFull:"), full.output)
        var truncated = try Data(contentsOf: URL(fileURLWithPath: backup))
        truncated = truncated.prefix(truncated.count * 2 / 3)
        try truncated.write(to: root.appendingPathComponent("truncated.efbackup"))
        try expectFailure(["restore", "--from", root.appendingPathComponent("truncated.efbackup").path, "--state-directory",
                           root.appendingPathComponent("from-truncated").path], code: "truncated")
        try Data("PK\u{3}\u{4} a zip file, not a backup".utf8).write(to: root.appendingPathComponent("foreign.zip"))
        try expectFailure(["restore", "--from", root.appendingPathComponent("foreign.zip").path, "--state-directory",
                           root.appendingPathComponent("from-foreign").path], code: "notABackup")
        try expectFailure(["restore", "--from", backup, "--state-directory", state.path], code: "destinationNotEmpty")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("from-truncated").path))
        XCTAssertTrue(CollectorProcess.healthy(port: collector.httpPort), "the running collector is untouched:\n\(collector.log)")
        let afterBadInput = simulator.statistics.acknowledged
        try await waitUntil("ingest goes on after the refused commands", timeout: 30) { simulator.statistics.acknowledged > afterBadInput + 100 }

        simulator.stopGenerating()
        running.cancel()
        await running.value
        XCTAssertEqual(collector.stop(SIGTERM), 0, collector.log)

        // Restore into a new directory and start a collector there, on a broker of its own (no fleet to resend).
        let restored = root.appendingPathComponent("restored")
        let restore = try ProductProcess.run("edge-collector", ["restore", "--from", backup, "--state-directory", restored.path])
        XCTAssertEqual(restore.status, 0, restore.stderr)
        let otherBroker = try Mosquitto()
        let second = try CollectorProcess(stateDirectory: restored, brokerPort: otherBroker.port)
        try second.start()
        defer { second.stop(SIGKILL) }
        let database = restored.appendingPathComponent("collector.sqlite").path
        for (id, acknowledged) in acknowledgedBefore {
            let stored = try SQLiteQuery.scalar(database, "SELECT count(DISTINCT seq) FROM telemetry WHERE device_id = '\(id)' AND seq BETWEEN 2 AND \(acknowledged)")
            XCTAssertEqual(Int(stored), Int(acknowledged) - 1, "\(id): every telemetry report acknowledged before the backup (2…\(acknowledged)) is restored")
            let acked = try XCTUnwrap(UInt64(try SQLiteQuery.scalar(database, "SELECT acked FROM streams WHERE device_id = '\(id)'")))
            XCTAssertGreaterThanOrEqual(acked, acknowledged)
        }
        // The tokens came along: the old read token works on the restored collector.
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let read = try XCTUnwrap(tokens.first { $0.role == "read" }).token
        let (status, body) = try await HTTP.json(port: second.httpPort, "/api/v1/devices", token: read)
        XCTAssertEqual(status, 200)
        XCTAssertEqual((body["devices"] as? [[String: Any]])?.count, 5)
        XCTAssertEqual(second.stop(SIGTERM), 0, second.log)
    }

    func testACollectorRefusesAStateWrittenByANewerSchema() throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-newer")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port)
        try collector.start()
        XCTAssertEqual(collector.stop(SIGTERM), 0, collector.log)
        let database = state.appendingPathComponent("collector.sqlite").path
        _ = try SQLiteQuery.scalar(database, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        XCTAssertThrowsError(try collector.start(), "a newer schema must not be opened")
        XCTAssertTrue(collector.log.contains("written by a newer edge-collector"), collector.log)
        XCTAssertTrue(collector.log.contains("v99-from-the-future"), collector.log)
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(*) FROM grdb_migrations WHERE identifier = 'v99-from-the-future'"), "1",
                       "the database is left as it was")
    }

    /// Runs `edge-collector ARGS`, which must exit 1 with `error: CODE:` on standard error.
    func expectFailure(_ arguments: [String], code: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try ProductProcess.run("edge-collector", arguments)
        XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains("error: \(code):"), "\(arguments): \(result.stderr)", file: file, line: line)
    }

    /// Runs an executable, both outputs merged.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
