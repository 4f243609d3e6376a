import Collector
import FleetProtocol
import FleetTestSupport
import Foundation
import TestSupport
import XCTest

/// Rollouts through the HTTP API and the dashboard, in process: roles, bad input as 4xx with reasons, operator
/// actions, the ledger and the rollout page.
final class RolloutAPITests: XCTestCase {
    func testRolloutsThroughTheAPIAndTheDashboard() async throws {
        let keysDirectory = try Fixtures.temporaryDirectory("collector-keys")
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        let keys = try TestBundles.keys(in: keysDirectory)
        let harness = try CollectorHarness {
            $0.trust = TrustSettings(rootPublicKey: keys.rootPublicKeyPath, trustFiles: [keys.trustPath])
            $0.rollouts.profilesDirectory = Fixtures.root.appendingPathComponent("firmware-profiles").path
            $0.rollouts.intervalSeconds = 3600
        }
        try await harness.start()
        for (version, release) in [("1.0.0", UInt64(1)), ("1.1.0", 2)] {
            let bytes = try TestBundles.bundle(keys: keys, version: version, release: release, parent: release == 1 ? nil : "1.0.0")
            let result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(bytes),
                                                   headers: ["Content-Type": "application/octet-stream"])
            XCTAssertEqual(result.status, 201, result.text)
        }
        var result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/aliases/champion", json: ["release": 1])
        XCTAssertEqual(result.status, 200, result.text)
        for index in 0..<10 {
            _ = try await harness.store.ingest([Messages.birth(device: "dev-\(index)", seq: 1)], receivedAt: Int64(Date().timeIntervalSince1970 * 1000))
        }
        let target: [String: Any] = ["profiles": ["rpi-4b-2gb"]]

        result = try await harness.send("POST", "/api/v1/rollouts", json: ["model": "keyword-spotter", "version": "2", "target": target])
        XCTAssertEqual(result.status, 409, "release 2 is not blessed yet: \(result.text)")
        XCTAssertTrue(result.text.contains("not blessed"), result.text)
        // The kws fixture has no labelled data for the gate to judge; blessed in the store, as only the gate does in production.
        _ = try await harness.store.setBlessed(model: "keyword-spotter", release: 2, blessed: true, by: "test",
                                               at: Int64(Date().timeIntervalSince1970 * 1000))
        for (body, status, fragment) in [
            (["model": "keyword-spotter", "version": "9", "target": target], 404, "release counter 9"),
            (["model": "keyword-spotter", "version": "2", "target": [String: Any]()], 400, "target is empty"),
            (["model": "keyword-spotter", "version": "2", "target": ["tags": ["nobody"]]], 400, "matches no known device"),
            (["model": "keyword-spotter", "version": "2", "target": target, "strategy": ["controlPercent": 100]], 400, "controlPercent"),
            (["model": "keyword-spotter", "version": "2", "target": target, "strategy": ["bakeSecond": 5]], 400, "bakeSecond"),
            (["model": "keyword-spotter", "version": "1", "target": target], 409, "already the champion"),
        ] as [([String: Any], Int, String)] {
            result = try await harness.send("POST", "/api/v1/rollouts", json: body)
            XCTAssertEqual(result.status, status, "\(body): \(result.text)")
            XCTAssertTrue(result.text.contains(fragment), result.text)
        }
        result = try await harness.send("POST", "/api/v1/rollouts", json: ["model": "keyword-spotter", "version": "2", "target": target],
                                        token: CollectorHarness.readToken)
        XCTAssertEqual(result.status, 403)
        result = try await harness.get("/api/v1/rollouts")
        XCTAssertEqual((try result.json()["rollouts"] as? [Any])?.count, 0, "nothing was stored by the refused requests")

        result = try await harness.send("POST", "/api/v1/rollouts", json: ["model": "keyword-spotter", "version": "2", "target": target,
                                                                        "strategy": ["canaryDevices": 2, "bakeSeconds": 60]])
        XCTAssertEqual(result.status, 201, result.text)
        let id = try XCTUnwrap(try result.json()["id"] as? String)
        XCTAssertEqual(try result.json()["createdBy"] as? String, "ops")
        result = try await harness.send("POST", "/api/v1/rollouts", json: ["model": "keyword-spotter", "version": "2", "target": target])
        XCTAssertEqual(result.status, 409, "the devices belong to the first rollout")
        result = try await harness.get("/api/v1/rollouts?active=true")
        XCTAssertEqual((try result.json()["rollouts"] as? [[String: Any]])?.first?["id"] as? String, id)
        result = try await harness.send("POST", "/api/v1/rollouts/\(id)/pause", json: ["reason": "lunch"])
        XCTAssertEqual(try result.json()["status"] as? String, "paused")
        result = try await harness.send("POST", "/api/v1/rollouts/\(id)/pause", json: [String: Any]())
        XCTAssertEqual(result.status, 409)
        result = try await harness.send("POST", "/api/v1/rollouts/\(id)/explode", json: [String: Any]())
        XCTAssertEqual(result.status, 400)
        result = try await harness.send("POST", "/api/v1/rollouts/\(id)/abort", json: ["reason": "changed my mind"])
        XCTAssertEqual(result.status, 200, result.text)
        XCTAssertTrue(["rollingBack", "rolledBack"].contains(try result.json()["status"] as? String ?? ""), result.text)
        result = try await harness.get("/api/v1/rollouts/ro-000000000000")
        XCTAssertEqual(result.status, 404)
        result = try await harness.get("/api/v1/rollouts/nope")
        XCTAssertEqual(result.status, 400)
        result = try await harness.get("/api/v1/ledger?device=dev-1")
        XCTAssertEqual(result.status, 200, result.text)
        let events = try await harness.get("/api/v1/events?name=rollout.aborted")
        XCTAssertEqual((try events.json()["events"] as? [[String: Any]])?.count, 1)

        let page = try await harness.get("/rollouts/\(id)")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("<svg") && page.text.contains("changed my mind") && page.text.contains("rollout-status"), page.text)
        await harness.stop()
    }
}
