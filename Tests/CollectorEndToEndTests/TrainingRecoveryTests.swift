import Bundles
import Drift
import FleetTestSupport
import Foundation
import TestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `edge-collector` killed with SIGKILL while a training job runs: nothing is half-registered, and the restarted
/// collector runs the job again to the end (one version, judged by the gate).
final class TrainingRecoveryTests: XCTestCase {
    func testAJobKilledMidwayIsRunAgainAfterARestartAndRegistersOnce() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-training")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let state = root.appendingPathComponent("collector")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)

        // An external trainer that hangs (after leaving a mark) until told to copy a real model.
        try Data(try VibrationBundles.model()).write(to: root.appendingPathComponent("good.tflite"))
        let script = root.appendingPathComponent("trainer.sh")
        try Data("""
            #!/bin/sh
            case "$(cat '\(root.path)/mode')" in
              good) cp '\(root.path)/good.tflite' "$2" ;;
              *) echo $$ > '\(root.path)/trainer.pid'; touch '\(root.path)/started'; exec sleep 120 ;;
            esac
            """.utf8).write(to: script)
        chmod(script.path, 0o755)
        try Data("hang".utf8).write(to: root.appendingPathComponent("mode"))
        let configurationPath = root.appendingPathComponent("collector.json")
        let configuration: [String: Any] = ["training": ["releaseKey": keys.path, "externalTrainer": [script.path], "externalTrainerTimeoutSeconds": 300]]
        try JSONSerialization.data(withJSONObject: configuration).write(to: configurationPath)

        var collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configurationPath.path])
        try collector.start()
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let admin = try XCTUnwrap(tokens.first { $0.role == "admin" }).token

        let (rows, labels) = VibrationBundles.rows(300, seed: 21)
        var csv = VibrationScenario().names.joined(separator: ",") + ",condition\n"
        for (row, label) in zip(rows, labels) { csv += row.map { "\(Float($0))" }.joined(separator: ",") + ",\(VibrationBundles.classes[label])\n" }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(collector.httpPort)/api/v1/models/vibration-monitor/samples")!)
        request.httpMethod = "POST"
        request.httpBody = Data(csv.utf8)
        request.setValue("text/csv", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(admin)", forHTTPHeaderField: "Authorization")
        let (imported, _) = try await HTTP.session.data(for: request)
        XCTAssertTrue(String(decoding: imported, as: UTF8.self).contains("\"added\":300"), String(decoding: imported, as: UTF8.self))
        let (status, snapshot) = try await HTTP.json("POST", port: collector.httpPort, "/api/v1/models/vibration-monitor/snapshots", token: admin, body: [:])
        XCTAssertEqual(status, 201, "\(snapshot)")
        let snapshotID = try XCTUnwrap(snapshot["id"] as? String)
        let (queued, job) = try await HTTP.json("POST", port: collector.httpPort, "/api/v1/training/jobs", token: admin,
                                                body: ["snapshot": snapshotID, "kind": "external"])
        XCTAssertEqual(queued, 201, "\(job)")
        let jobID = try XCTUnwrap(job["id"] as? Int)

        try await waitUntil("the external trainer runs", timeout: 30) {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("started").path)
        }
        collector.stop(SIGKILL)
        // The hung trainer outlives the killed collector (as any child would): end it, it is this test's.
        if let pid = Int32((try? String(contentsOf: root.appendingPathComponent("trainer.pid"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(pid, SIGKILL)
        }
        let database = state.appendingPathComponent("collector.sqlite").path
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT state FROM training_jobs WHERE id = \(jobID)"), "running")
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(*) FROM model_versions"), "0", "killed before registration: nothing registered")

        try Data("good".utf8).write(to: root.appendingPathComponent("mode"))
        collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configurationPath.path])
        try collector.start()
        defer { collector.stop(SIGKILL) }
        var final: [String: Any] = [:]
        try await waitUntil("the restarted collector runs the job to the end", timeout: 60) {
            final = try await HTTP.json(port: collector.httpPort, "/api/v1/training/jobs/\(jobID)", token: admin).1
            return final["state"] as? String == "succeeded"
        }
        XCTAssertEqual(final["result"] as? String, "1")
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(*) FROM model_versions"), "1", "registered exactly once")
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT source FROM model_versions"), "training-job:\(jobID)")
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(*) FROM evaluations"), "1", "and judged by the gate")
        let restarted = try SQLiteQuery.scalar(database, "SELECT count(*) FROM events WHERE name = 'training.job.queued' AND body LIKE '%restarted%'")
        XCTAssertEqual(restarted, "1")
    }
}
