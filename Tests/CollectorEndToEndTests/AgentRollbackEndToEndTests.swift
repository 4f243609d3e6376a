import Bundles
import FleetProtocol
import FleetTestSupport
import Foundation
import Logging
import MQTT
import TestSupport
import XCTest

/// A real `edge-agent` rolled back by the collector: a rollout over exactly two real agents (one control, one canary:
/// whichever the plan picks, the canary is a real agent) installs release 2 on the canary, which serves it in
/// probation; an operator's abort makes the collector send `rollback`; the agent switches back to its previous slot
/// at once, reports `rolledBack` with release 1 serving, and the rollout counts it back and ends `rolledBack`.
///
/// Then, separately, a rollback after commit: the agent commits release 2 (a plain assignment with a short
/// probation), which drops the previous slot and raises its anti-rollback floor to 2; a `rollback` to release 1 is
/// then an ordinary assignment of release 1, which the agent downloads, verifies and refuses below its floor
/// (`failed`), and it keeps serving release 2 (docs/fleet-protocol.md, "Rollback", case 4).
final class AgentRollbackEndToEndTests: XCTestCase {
    func testARealAgentRollsBackInProbationAndRefusesARollbackBelowItsFloorAfterCommit() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-agent-rollback")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let state = root.appendingPathComponent("collector")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)
        let configuration: [String: Any] = [
            "rollouts": [
                "intervalSeconds": 0.25, "rollbackRetrySeconds": 5,
                "profilesDirectory": Fixtures.root.appendingPathComponent("firmware-profiles").path,
                // A long bake: the operator's abort, not a gate, decides this rollout.
                "strategy": ["bakeSeconds": 600, "controlPercent": 10],
            ],
        ]
        let configurationPath = root.appendingPathComponent("collector.json").path
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: configurationPath))
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configurationPath])
        try collector.start()
        defer { collector.stop(SIGKILL) }
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let admin = try XCTUnwrap(tokens.first { $0.role == "admin" }).token
        let port = collector.httpPort
        let database = state.appendingPathComponent("collector.sqlite").path

        var digests: [UInt64: String] = [:]
        var sizes: [UInt64: Int] = [:]
        let v1Path = root.appendingPathComponent("v1.efb").path
        for release in UInt64(1)...2 {
            let bytes = try TestBundles.bundle(keys: keys, version: "1.\(release).0", release: release, parent: release == 1 ? nil : "1.1.0")
            if release == 1 { try Data(bytes).write(to: URL(fileURLWithPath: v1Path)) }
            let (status, body) = try await HTTP.call("POST", port: port, "/api/v1/bundles", token: admin, body: Data(bytes))
            XCTAssertEqual(status, 201, String(decoding: body, as: UTF8.self))
            digests[release] = try XCTUnwrap((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["digest"] as? String)
            sizes[release] = bytes.count
            // No labelled data for the blessing gate here (see RolloutEndToEndTests): blessed directly.
            _ = try SQLiteQuery.scalar(database, "UPDATE model_versions SET blessed = 1, blessed_by = 'test' WHERE model = 'keyword-spotter' AND release = \(release)")
        }
        let (aliased, _) = try await HTTP.json("PUT", port: port, "/api/v1/models/keyword-spotter/aliases/champion", token: admin, body: ["release": 1])
        XCTAssertEqual(aliased, 200)

        let frames = root.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        for number in 0..<3 {
            try Data(try Fixtures.bytes("kws_ref_model/case-\(number).in-0.bin")).write(to: frames.appendingPathComponent("frame-\(number).bin"))
        }
        var agents: [String: AgentProcess] = [:]
        defer { agents.values.forEach { $0.kill() } }
        for number in 1...2 {
            let agent: [String: Any] = [
                "deviceID": "pi-agent-\(number)", "profile": "rpi-4b-2gb",
                "profileDirectory": Fixtures.root.appendingPathComponent("firmware-profiles").path,
                "broker": ["host": "127.0.0.1", "port": broker.port, "reconnectMinimumSeconds": 0.05, "reconnectMaximumSeconds": 0.5],
                "stateDirectory": root.appendingPathComponent("agent-\(number)-state").path,
                "trustedRootKey": keys.rootPublicKeyPath, "trustFile": keys.trustPath, "initialBundle": v1Path,
                "input": ["type": "replay", "path": frames.path, "rate": 50], "telemetry": ["intervalSeconds": 0.5],
                "queue": ["resendAfterSeconds": 2.0],
                "update": ["probationSeconds": 1.0, "minimumProbationSamples": 5, "chunkTimeoutSeconds": 2.0],
                "capture": ["enabled": false], "logLevel": "info",
            ]
            let path = root.appendingPathComponent("agent-\(number).json").path
            try JSONSerialization.data(withJSONObject: agent, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
            agents["pi-agent-\(number)"] = try AgentProcess(arguments: ["--config", path], logPath: root.appendingPathComponent("agent-\(number).log").path)
        }
        func device(_ id: String) async throws -> [String: Any] { try await HTTP.json(port: port, "/api/v1/devices/\(id)", token: admin).1 }
        func serving(_ detail: [String: Any]) -> String? {
            ((detail["device"] as? [String: Any])?["currentBundle"] as? [String: Any])?["digest"] as? String
        }
        func phases(_ id: String, assignment: String) async throws -> [[String: Any]] {
            let (_, events) = try await HTTP.json(port: port, "/api/v1/events?device=\(id)&name=update.phase&limit=200", token: admin)
            return (events["events"] as? [[String: Any]] ?? []).filter { $0["assignmentID"] as? String == assignment }
        }
        for id in agents.keys.sorted() {
            try await waitUntil("\(id) reports on release 1:\n\(agents[id]!.log.suffix(2000))", timeout: 90) {
                let detail = try await device(id)
                return serving(detail) == digests[1] && (detail["device"] as? [String: Any])?["latest"] != nil
            }
        }

        // Rolled back in probation.
        let (created, body) = try await HTTP.json("POST", port: port, "/api/v1/rollouts", token: admin,
                                                  body: ["model": "keyword-spotter", "version": "2", "target": ["devices": ["pi-agent-1", "pi-agent-2"]]])
        XCTAssertEqual(created, 201, "\(body)")
        let id = try XCTUnwrap(body["id"] as? String)
        let plan = try XCTUnwrap(body["plan"] as? [String: Any])
        XCTAssertEqual((plan["control"] as? [String])?.count, 1)
        let canary = try XCTUnwrap((plan["waves"] as? [[String]])?.first?.first)
        let agent = try XCTUnwrap(agents[canary])
        var assignment = ""
        try await waitUntil("the canary \(canary) serves release 2 in probation:\n\(agent.log.suffix(3000))", timeout: 120) {
            let detail = try await device(canary)
            let latest = (detail["assignments"] as? [[String: Any]])?.first
            assignment = latest?["id"] as? String ?? ""
            return latest?["phase"] as? String == "probation" && serving(detail) == digests[2]
        }
        let (aborted, abortBody) = try await HTTP.json("POST", port: port, "/api/v1/rollouts/\(id)/abort", token: admin, body: ["reason": "agent rollback test"])
        XCTAssertEqual(aborted, 200, "\(abortBody)")
        var rollout: [String: Any] = [:]
        try await waitUntil("the rollout sees the canary back on release 1:\n\(agent.log.suffix(3000))", timeout: 60) {
            rollout = try await HTTP.json(port: port, "/api/v1/rollouts/\(id)", token: admin).1
            return rollout["status"] as? String == "rolledBack"
        }
        XCTAssertEqual(rollout["returned"] as? [String], [canary])
        let afterRollback = try await device(canary)
        XCTAssertEqual(serving(afterRollback), digests[1], "the agent switched back to its previous slot")
        let rollbackPhases = try await phases(canary, assignment: assignment).compactMap { $0["phase"] as? String }
        XCTAssertTrue(rollbackPhases.contains("rolledBack"), "\(rollbackPhases)")
        XCTAssertFalse(rollbackPhases.contains("committed"), "\(rollbackPhases)")
        let sent = try await HTTP.json(port: port, "/api/v1/events?device=\(canary)&name=rollout.rollback_sent&limit=10", token: admin).1
        XCTAssertGreaterThanOrEqual((sent["events"] as? [[String: Any]])?.count ?? 0, 1, "the collector sent the rollback command")

        // A rollback after commit: refused below the floor, the committed version keeps serving.
        let (assigned, assignBody) = try await HTTP.json("POST", port: port, "/api/v1/devices/\(canary)/assignments", token: admin,
                                                         body: ["model": "keyword-spotter", "version": "2"])
        XCTAssertEqual(assigned, 201, "\(assignBody)")
        try await waitUntil("\(canary) commits release 2:\n\(agent.log.suffix(3000))", timeout: 120) {
            let detail = try await device(canary)
            return (detail["assignments"] as? [[String: Any]])?.first?["phase"] as? String == "committed" && serving(detail) == digests[2]
        }
        let client = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "rollback-after-commit"),
                                    logger: Logger(label: "e2e"))
        try await client.connect()
        let back = Assignment(assignmentID: "rbk-after-commit", name: "keyword-spotter", version: "1.1.0", digest: try XCTUnwrap(digests[1]),
                              size: try XCTUnwrap(sizes[1]), chunkSize: 64 * 1024)
        try await client.publish(topic: try DeviceTopics(deviceID: canary).commands, payload: try FleetCodec.encode(Command.rollback(back)),
                                 qos: .atLeastOnce)
        var refusal: [String: Any] = [:]
        try await waitUntil("\(canary) refuses release 1 below its floor:\n\(agent.log.suffix(3000))", timeout: 60) {
            refusal = try await phases(canary, assignment: "rbk-after-commit").first { $0["phase"] as? String == "failed" } ?? [:]
            return !refusal.isEmpty
        }
        let message = (refusal["error"] as? [String: Any])?["message"] as? String ?? ""
        XCTAssertTrue(message.contains("floor"), message)
        let afterRefusal = try await device(canary)
        XCTAssertEqual(serving(afterRefusal), digests[2], "the committed version keeps serving")
        await client.disconnect()
    }
}
