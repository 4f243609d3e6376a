import Bundles
import Drift
import FleetProtocol
import FleetSim
import FleetTestSupport
import Foundation
import Logging
import TestSupport
import XCTest

/// Drift end to end: a real broker, the collector, two real `edge-agent` processes running a vibration model trained
/// in Swift, and a simulated fleet of the same model. One agent's sensor is stuck; one profile's machines shift. The
/// collector must attribute the first to the device and the second to the cohort, raise `drift.detected` events, serve
/// the report through the API, and show it on the drift page in headless Chromium.
final class DriftEndToEndTests: XCTestCase {
    func testAStuckAgentIsADeviceAnomalyAndAShiftedProfileIsCohortDrift() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-drift")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let state = root.appendingPathComponent("collector")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)
        let configurationPath = root.appendingPathComponent("collector.json").path
        try Data(#"{"drift": {"intervalSeconds": 2, "windowMinutes": 5}}"#.utf8).write(to: URL(fileURLWithPath: configurationPath))
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configurationPath])
        try collector.start()
        defer { collector.stop(SIGKILL) }
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let admin = try XCTUnwrap(tokens.first { $0.role == "admin" }).token
        let read = try XCTUnwrap(tokens.first { $0.role == "read" }).token

        // Version 1 of the vibration model, trained here, registered with the collector.
        let bundle = try VibrationBundles.bundle(keys: keys, model: try VibrationBundles.model())
        let bundlePath = root.appendingPathComponent("vibration-1.efb").path
        try Data(bundle).write(to: URL(fileURLWithPath: bundlePath))
        let (status, uploaded) = try await HTTP.call("POST", port: collector.httpPort, "/api/v1/bundles", token: admin, body: Data(bundle))
        XCTAssertEqual(status, 201, String(decoding: uploaded, as: UTF8.self))

        // Two real agents on the model: pi-agent-1 sees normal machines, pi-agent-2 a stuck sensor.
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.kill() } }
        for (number, injection) in [(1, DriftInjection(.none)), (2, DriftInjection(.stuck))] {
            let frames = root.appendingPathComponent("frames-\(number)")
            try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
            for (index, frame) in VibrationBundles.frames(400, seed: UInt64(100 + number), injection: injection).enumerated() {
                try Data(frame).write(to: frames.appendingPathComponent(String(format: "frame-%04d.bin", index)))
            }
            let configuration: [String: Any] = [
                "deviceID": "pi-agent-\(number)", "profile": "rpi-4b-2gb",
                "profileDirectory": Fixtures.root.appendingPathComponent("firmware-profiles").path,
                "broker": ["host": "127.0.0.1", "port": broker.port, "reconnectMinimumSeconds": 0.05, "reconnectMaximumSeconds": 0.5],
                "stateDirectory": root.appendingPathComponent("agent-\(number)-state").path,
                "trustedRootKey": keys.rootPublicKeyPath, "trustFile": keys.trustPath, "initialBundle": bundlePath,
                "input": ["type": "replay", "path": frames.path, "rate": 200], "telemetry": ["intervalSeconds": 0.5],
                "capture": ["enabled": false], "logLevel": "info",
            ]
            let path = root.appendingPathComponent("agent-\(number).json").path
            try JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
            agents.append(try AgentProcess(arguments: ["--config", path], logPath: root.appendingPathComponent("agent-\(number).log").path))
        }

        // Nine simulated devices of the same model, three per profile; the rpi-5-4gb machines shift by one σ.
        let file = try BundleFile(parsing: bundle)
        let baseline = try DriftBaseline.decode(file.baselineBytes)
        let drift = SimulatedDrift(features: baseline.features.map { SimulatedDrift.Feature(name: $0.name, edges: $0.edges) },
                                   injection: DriftInjection(.meanShift(sigmas: 1)), target: .profile("rpi-5-4gb"), rowsPerReport: 60)
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let reference = BundleReference(name: "vibration-monitor", version: "1.0.0", digest: Digest.sha256Hex(bundle), releaseCounter: 1)
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 9, prefix: "vib", reportsPerSecond: 5,
                                                                        bundle: reference, classes: VibrationBundles.classes.count, drift: drift),
                                           logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }

        // The collector detects both, attributed where they are.
        var cohortEvent: [String: Any]?
        var anomalyEvent: [String: Any]?
        let database = state.appendingPathComponent("collector.sqlite").path
        func diagnosis() -> String {
            let devices = (try? SQLiteQuery.scalar(database, "SELECT group_concat(id || ':' || coalesce(cur_name, '-') || ':' || substr(coalesce(cur_digest, '-'), 1, 8), ' ') FROM devices")) ?? "?"
            let rollups = (try? SQLiteQuery.scalar(database, "SELECT count(*) || ' rollups, ' || sum(length(features)) || ' feature bytes' FROM device_rollups WHERE resolution = 60")) ?? "?"
            let reports = (try? SQLiteQuery.scalar(database, "SELECT count(*) || ' reports, last ' || coalesce(max(verdict), '-') FROM drift_reports")) ?? "?"
            return "devices: \(devices)\n\(rollups)\n\(reports)"
        }
        do {
            try await waitUntil("drift events for the cohort and the stuck agent", timeout: 120) {
            // An alarm is raised once (drift.detected); while the fleet fills in, where it sits may move (drift.moved).
            var events: [[String: Any]] = []
            for name in ["drift.detected", "drift.moved"] {
                let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/events?name=\(name)&limit=200", token: read)
                events += (body["events"] as? [[String: Any]] ?? []).filter { $0["details"] as? [String: String] != nil }
            }
            cohortEvent = events.first { (($0["details"] as? [String: String])?["cohorts"] ?? "").contains("profile=rpi-5-4gb") }
            anomalyEvent = events.first { (($0["details"] as? [String: String])?["devices"] ?? "").contains("pi-agent-2") }
            return cohortEvent != nil && anomalyEvent != nil
            }
        } catch {
            let events = try? await HTTP.call("GET", port: collector.httpPort, "/api/v1/events?name=drift.detected&limit=5", token: read).1
            let latest = try? await HTTP.json(port: collector.httpPort, "/api/v1/models/vibration-monitor/drift?limit=1", token: read).1
            let attribution = ((latest?["reports"] as? [[String: Any]])?.first?["attribution"] as? [String: Any])?["features"] as? [[String: Any]] ?? []
            let kinds = attribution.map { "\($0["feature"] ?? "?"): \($0["kind"] ?? "?") cohorts \($0["driftingCohorts"] ?? "-") devices \($0["anomalousDevices"] ?? "-") drifting \($0["driftingDevices"] ?? "-")" }
            XCTFail("events: \(String(decoding: events ?? Data(), as: UTF8.self).prefix(1500))\nattribution:\n\(kinds.joined(separator: "\n"))")
            XCTFail("\(diagnosis())\n\(collector.log.split(separator: "\n").filter { !$0.contains("MQTT") }.suffix(20).joined(separator: "\n"))\n"
                    + "stuck agent:\n\(agents[1].log.suffix(1500))")
            throw error
        }
        let cohortDetails = try XCTUnwrap(cohortEvent?["details"] as? [String: String])
        XCTAssertEqual(cohortDetails["kind"], "cohort_drift")
        XCTAssertFalse((cohortDetails["cohorts"] ?? "").contains("rpi-4b-2gb"), "the healthy profile is not blamed: \(cohortDetails)")
        let anomalyDetails = try XCTUnwrap(anomalyEvent?["details"] as? [String: String])
        XCTAssertFalse((anomalyDetails["devices"] ?? "").contains("pi-agent-1"), "the healthy agent is not blamed: \(anomalyDetails)")

        // The stored report through the API: per device, the stuck agent's features drift and the healthy one's do not.
        let (reportStatus, report) = try await HTTP.json(port: collector.httpPort, "/api/v1/models/vibration-monitor/drift", token: read)
        XCTAssertEqual(reportStatus, 200)
        let latest = try XCTUnwrap((report["reports"] as? [[String: Any]])?.first, "\(report)")
        let attribution = try XCTUnwrap(latest["attribution"] as? [String: Any])
        let perDevice = try XCTUnwrap(attribution["devices"] as? [String: [[String: Any]]])
        XCTAssertTrue(perDevice["pi-agent-2"]?.contains { $0["verdict"] as? String == "drift" } ?? false, "\(perDevice["pi-agent-2"] ?? [])")
        XCTAssertFalse(perDevice["pi-agent-1"]?.contains { $0["verdict"] as? String == "drift" } ?? true, "\(perDevice["pi-agent-1"] ?? [])")

        // The drift page in a real browser: heat map, attribution and events.
        let page = try Chromium.load("http://127.0.0.1:\(collector.httpPort)/models/vibration-monitor/drift?token=\(read)")
        XCTAssertEqual(page.consoleErrors, [])
        XCTAssertTrue(page.dom.contains("class=\"chart heatmap\""), "a heat map:\n\(page.dom.prefix(3000))")
        XCTAssertTrue(page.dom.contains("cohort drift"), "the attribution in the feature table")
        XCTAssertTrue(page.dom.contains("profile=rpi-5-4gb"))
        XCTAssertTrue(page.dom.contains("pi-agent-2"))
        XCTAssertTrue(page.dom.contains("drift.detected"), "the events")
        let metrics = String(decoding: try await HTTP.call("GET", port: collector.httpPort, "/metrics", token: "").1, as: UTF8.self)
        XCTAssertTrue(metrics.contains("edgefleet_drift_alarm{"), "drift gauges in /metrics")

        running.cancel()
        await running.value
    }
}
