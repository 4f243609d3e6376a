import Bundles
import FleetProtocol
import FleetSim
import FleetTestSupport
import Foundation
import Logging
import TestSupport
import XCTest

/// The assembled system: real mosquitto, the collector, two real `edge-agent` processes and a simulated fleet. The
/// agents' telemetry is stored and acknowledged, a bundle uploaded through the API reaches one agent over MQTT chunks
/// and is installed, and the dashboard renders the whole fleet in headless Chromium.
final class AgentEndToEndTests: XCTestCase {
    func testTwoAgentsAndASimulatedFleetUpdateOverTheAirAndShowOnTheDashboard() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-agent")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let state = root.appendingPathComponent("collector")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port,
                                             extraArguments: try CollectorProcess.allowingUnblessedAssignments(in: root))
        try collector.start()
        defer { collector.stop(SIGKILL) }
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let admin = try XCTUnwrap(tokens.first { $0.role == "admin" }).token

        // The agent starts on v1 and replays the model's golden inputs.
        let v1 = try TestBundles.bundle(keys: keys, version: "1.0.0", release: 1)
        let v2 = try TestBundles.bundle(keys: keys, version: "1.1.0", release: 2, parent: "1.0.0")
        let v1Path = root.appendingPathComponent("v1.efb").path
        try Data(v1).write(to: URL(fileURLWithPath: v1Path))
        let frames = root.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        for number in 0..<3 {
            try Data(try Fixtures.bytes("kws_ref_model/case-\(number).in-0.bin")).write(to: frames.appendingPathComponent("frame-\(number).bin"))
        }
        // Two real agents: pi-agent-1 takes the update, pi-agent-2 keeps serving v1 beside it.
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.kill() } }
        for number in 1...2 {
            let configuration: [String: Any] = [
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
            let configurationPath = root.appendingPathComponent("agent-\(number).json").path
            try JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys]).write(to: URL(fileURLWithPath: configurationPath))
            agents.append(try AgentProcess(arguments: ["--config", configurationPath],
                                           logPath: root.appendingPathComponent("agent-\(number).log").path))
        }
        let agent = agents[0]

        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 3, prefix: "sim", reportsPerSecond: 5),
                                           logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }

        for (number, process) in agents.enumerated() {
            let id = "pi-agent-\(number + 1)"
            try await waitUntil("\(id)'s birth and telemetry are stored:\n\(process.log)", timeout: 90) {
                let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/\(id)", token: admin)
                let device = body["device"] as? [String: Any]
                return device?["profile"] as? String == "rpi-4b-2gb" && device?["latest"] != nil && device?["online"] as? Bool == true
            }
            try await waitUntil("\(id)'s queue is acknowledged down to a few messages", timeout: 60) {
                let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/\(id)/telemetry?limit=1", token: admin)
                return ((body["telemetry"] as? [[String: Any]])?.last?["queueDepth"] as? Int ?? 99) <= 4
            }
        }
        try await waitUntil("the simulated fleet appears beside the agents", timeout: 60) {
            let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices?online=true", token: admin)
            return (body["devices"] as? [[String: Any]])?.filter { $0["latest"] != nil }.count == 5
        }

        let (status, body) = try await HTTP.call("POST", port: collector.httpPort, "/api/v1/bundles", token: admin, body: Data(v2))
        XCTAssertEqual(status, 201, String(decoding: body, as: UTF8.self))
        let digest = try XCTUnwrap((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["digest"] as? String)
        let (assigned, _) = try await HTTP.json("POST", port: collector.httpPort, "/api/v1/devices/pi-agent-1/assignments", token: admin,
                                                body: ["model": "keyword-spotter", "version": "2"])
        XCTAssertEqual(assigned, 201)
        try await waitUntil("the agent downloads, verifies, installs and commits v2:\n\(agent.log)", timeout: 120) {
            let (_, detail) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/pi-agent-1", token: admin)
            let phase = (detail["assignments"] as? [[String: Any]])?.first?["phase"] as? String
            let current = ((detail["device"] as? [String: Any])?["currentBundle"] as? [String: Any])?["digest"] as? String
            return phase == "committed" && current == digest
        }
        let (_, detail) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/pi-agent-1", token: admin)
        let previous = ((detail["device"] as? [String: Any])?["previousBundle"] as? [String: Any])?["version"] as? String
        XCTAssertEqual(previous, "1.0.0", "the registry keeps the previous bundle")
        let download = (detail["downloads"] as? [[String: Any]])?.first
        XCTAssertEqual(download?["distinctChunks"] as? Int, download?["chunkCount"] as? Int, "every chunk was served over MQTT")
        let (_, events) = try await HTTP.json(port: collector.httpPort, "/api/v1/events?device=pi-agent-1&name=update.phase&limit=50", token: admin)
        let phases = Set((events["events"] as? [[String: Any]] ?? []).compactMap { $0["phase"] as? String })
        XCTAssertTrue(phases.isSuperset(of: ["downloading", "verifying", "installing", "healthCheck", "switching", "probation", "committed"]),
                      "\(phases)")
        let sims = try await HTTP.json(port: collector.httpPort, "/api/v1/devices?model=keyword-spotter", token: admin).1["devices"] as? [[String: Any]]
        XCTAssertGreaterThanOrEqual(sims?.count ?? 0, 1)
        let (_, other) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/pi-agent-2", token: admin)
        XCTAssertEqual(((other["device"] as? [String: Any])?["currentBundle"] as? [String: Any])?["version"] as? String, "1.0.0",
                       "the agent without an assignment keeps v1")

        // The dashboard shows both agents and the simulated fleet in a real headless browser.
        let read = try XCTUnwrap(tokens.first { $0.role == "read" }).token
        let base = "http://127.0.0.1:\(collector.httpPort)"
        let fleet = try Chromium.load("\(base)/?token=\(read)")
        XCTAssertEqual(fleet.consoleErrors, [], "console errors on the fleet page")
        for id in ["pi-agent-1", "pi-agent-2", "sim-0", "sim-1", "sim-2"] {
            XCTAssertTrue(fleet.dom.contains("data-device=\"\(id)\""), "\(id) in the fleet table:\n\(fleet.dom.prefix(3000))")
        }
        let page = try Chromium.load("\(base)/devices/pi-agent-1?token=\(read)")
        XCTAssertEqual(page.consoleErrors, [])
        XCTAssertTrue(page.dom.contains("<svg"), "server-drawn charts")
        XCTAssertTrue(page.dom.contains("committed"), "the update's phase on the device page")

        for process in agents {
            process.terminate()
            XCTAssertEqual(process.waitForExit(timeout: .seconds(30)), 0, process.log)
        }
        try await waitUntil("the agent's clean stop shows as offline (shutdown)", timeout: 30) {
            let (_, detail) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/pi-agent-1", token: admin)
            let device = detail["device"] as? [String: Any]
            return device?["online"] as? Bool == false && device?["statusReason"] as? String == "shutdown"
        }
        running.cancel()
        await running.value
    }
}
