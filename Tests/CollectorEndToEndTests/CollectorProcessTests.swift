import Bundles
import FleetProtocol
import FleetSim
import FleetTestSupport
import Foundation
import Logging
import TestSupport
import XCTest

/// The real `edge-collector` process with a real broker, a simulated fleet, real signals and a real browser.
final class CollectorProcessTests: XCTestCase {
    var logger: Logger {
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        return logger
    }

    func testSIGKILLMidIngestLosesNothingAcknowledgedAndStoresEverythingOnce() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-kill")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port)
        try collector.start()
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 5, prefix: "kill", reportsPerSecond: 50,
                                                                        resendAfter: .seconds(2)), logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await waitUntil("the collector acknowledges a first part", timeout: 60) { simulator.statistics.acknowledged > 200 }
        let acknowledgedBeforeKill = simulator.devices.map { ($0.id, $0.statistics.acknowledged) }
        XCTAssertEqual(collector.stop(SIGKILL) & 0x7F, SIGKILL, "killed by the signal, no clean shutdown")
        try await Task.sleep(for: .seconds(2))
        try collector.start()
        try await Task.sleep(for: .seconds(2))
        simulator.stopGenerating()
        let drained = await simulator.waitUntilAcknowledged(timeout: .seconds(120))
        XCTAssertTrue(drained, "unacknowledged telemetry was re-sent and acknowledged after the restart: \(simulator.statistics)\n\(collector.log)")
        running.cancel()
        await running.value
        XCTAssertEqual(collector.stop(SIGTERM), 0, "a clean exit on SIGTERM:\n\(collector.log)")

        let database = state.appendingPathComponent("collector.sqlite").path
        for (id, before) in acknowledgedBeforeKill {
            let device = try XCTUnwrap(simulator.devices.first { $0.id == id })
            let generated = device.statistics.generated
            let rows = try SQLiteQuery.scalar(database, "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || coalesce(max(seq), 0) FROM telemetry WHERE device_id = '\(id)'")
            XCTAssertEqual(rows, "\(generated - 1) \(generated - 1) \(generated)", "\(id): every telemetry report (seq 2…\(generated)) stored exactly once")
            let acked = try SQLiteQuery.scalar(database, "SELECT acked FROM streams WHERE device_id = '\(id)'")
            XCTAssertEqual(UInt64(acked), generated)
            XCTAssertGreaterThanOrEqual(generated, before)
        }
        XCTAssertTrue(collector.log.contains("starting"))
    }

    func testDefaultStartDistributesAnUploadedBundleAndTheDashboardRendersInChromium() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-ui")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        // The default trust location: <state>/trust/root.pub and trust.json.
        let keys = try TestBundles.keys(in: root)
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port,
                                             extraArguments: try CollectorProcess.allowingUnblessedAssignments(in: root))
        try collector.start()
        defer { collector.stop(SIGKILL) }
        struct Token: Decodable { var name: String; var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let admin = try XCTUnwrap(tokens.first { $0.role == "admin" }).token
        let read = try XCTUnwrap(tokens.first { $0.role == "read" }).token

        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 4, prefix: "e2e", reportsPerSecond: 5),
                                           logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await waitUntil("the fleet appears with telemetry", timeout: 60) {
            let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices?online=true", token: read)
            return (body["devices"] as? [[String: Any]])?.filter { $0["latest"] != nil }.count == 4
        }

        let bundle = try TestBundles.bundle(keys: keys, version: "1.1.0", release: 2, parent: "1.0.0")
        let (status, body) = try await HTTP.call("POST", port: collector.httpPort, "/api/v1/bundles", token: admin, body: Data(bundle))
        XCTAssertEqual(status, 201, String(decoding: body, as: UTF8.self))
        let digest = try XCTUnwrap((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["digest"] as? String)
        let (assigned, _) = try await HTTP.json("POST", port: collector.httpPort, "/api/v1/devices/e2e-0/assignments", token: admin,
                                                body: ["model": "keyword-spotter", "version": "latest"])
        XCTAssertEqual(assigned, 201)
        try await waitUntil("e2e-0 downloads, verifies and switches to the uploaded bundle", timeout: 90) {
            let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/e2e-0", token: read)
            return ((body["device"] as? [String: Any])?["currentBundle"] as? [String: Any])?["digest"] as? String == digest
        }

        let base = "http://127.0.0.1:\(collector.httpPort)"
        let fleet = try Chromium.load("\(base)/?token=\(read)")
        XCTAssertEqual(fleet.consoleErrors, [], "console errors on the fleet page")
        for index in 0..<4 { XCTAssertTrue(fleet.dom.contains("data-device=\"e2e-\(index)\""), "e2e-\(index) in the fleet table:\n\(fleet.dom.prefix(3000))") }
        XCTAssertTrue(fleet.dom.contains("state online"))
        XCTAssertTrue(fleet.dom.contains(" ms"), "p95 latency per device")
        let device = try Chromium.load("\(base)/devices/e2e-0?token=\(read)")
        XCTAssertEqual(device.consoleErrors, [])
        XCTAssertTrue(device.dom.contains("id=\"device-id\">e2e-0<"))
        XCTAssertTrue(device.dom.contains("<svg"), "server-drawn charts")
        XCTAssertTrue(device.dom.contains("committed"), "the update's phase on the device page")
        let model = try Chromium.load("\(base)/models/keyword-spotter?token=\(read)")
        XCTAssertEqual(model.consoleErrors, [])
        XCTAssertTrue(model.dom.contains("e2e-0"), "where each version runs")
        XCTAssertTrue(model.dom.contains("1.1.0"))
        running.cancel()
        await running.value
        XCTAssertEqual(collector.stop(SIGTERM), 0, collector.log)
    }
}

extension CollectorProcessTests {
    func testFleetSimCommandDrivesTheCollectorAndReportsEverythingAcknowledged() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port)
        try collector.start()
        defer { collector.stop(SIGKILL) }
        let result = try ProductProcess.run("edgectl", ["fleet-sim", "--port", "\(broker.port)", "--devices", "3", "--rate", "20",
                                                        "--duration", "2", "--drain", "60", "--prefix", "cli", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double])
        XCTAssertEqual(summary["allAcknowledged"], 1)
        let generated = Int(try XCTUnwrap(summary["generated"]))
        XCTAssertGreaterThan(generated, 60)
        let stored = try SQLiteQuery.scalar(state.appendingPathComponent("collector.sqlite").path,
                                            "SELECT count(DISTINCT device_id || '/' || seq) || ' ' || count(*) FROM telemetry")
        XCTAssertEqual(stored, "\(generated - 3) \(generated - 3)", "every report once (one birth per device is the rest)")
        XCTAssertEqual(collector.stop(SIGTERM), 0, collector.log)
    }
}

/// Polls `condition` until true; fails after `timeout` seconds.
func waitUntil(_ description: String, timeout: Double, file: StaticString = #filePath, line: UInt = #line,
               _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    XCTFail("timed out after \(timeout) s waiting until \(description)", file: file, line: line)
    throw Mosquitto.Failure(description: "timed out waiting until \(description)")
}
