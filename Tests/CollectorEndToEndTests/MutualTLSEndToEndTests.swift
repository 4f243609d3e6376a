import Bundles
import FleetTestSupport
import Foundation
import TestSupport
import XCTest

/// The locked-down fleet assembled: `edgectl pki`, `scripts/broker.sh`, the real collector and real agents, all over
/// mutual TLS. A genuine agent's telemetry is stored and acknowledged; an agent holding device A's certificate but
/// configured as device B publishes under B's topics, and nothing of B ever reaches the collector. A trust-file
/// rotation pushed by the collector reaches the device over the same locked-down broker.
final class MutualTLSEndToEndTests: XCTestCase {
    func testAgentsAndTheCollectorSpeakOverMutualTLSAndADeviceCannotSpeakForAnother() async throws {
        let pki = try LockedDownBroker.pki(devices: ["pi-tls-a"])
        let broker = try LockedDownBroker(pki: pki)
        defer { broker.stop() }
        let root = try Fixtures.temporaryDirectory("collector-e2e-mtls")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let state = root.appendingPathComponent("collector")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)
        let tls: [String: Any] = ["caFile": pki.appendingPathComponent("ca.crt").path]
        let collectorConfiguration: [String: Any] = [
            "broker": tls.merging(["host": "127.0.0.1", "port": broker.port,
                                   "certFile": pki.appendingPathComponent("collectors/main.crt").path,
                                   "keyFile": pki.appendingPathComponent("collectors/main.key").path]) { $1 },
        ]
        let collectorConfigurationPath = root.appendingPathComponent("collector.json").path
        try JSONSerialization.data(withJSONObject: collectorConfiguration).write(to: URL(fileURLWithPath: collectorConfigurationPath))
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", collectorConfigurationPath])
        try collector.start()
        defer { collector.stop(SIGKILL) }
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let read = try XCTUnwrap(tokens.first { $0.role == "read" }).token

        let v1 = try TestBundles.bundle(keys: keys, version: "1.0.0", release: 1)
        let v1Path = root.appendingPathComponent("v1.efb").path
        try Data(v1).write(to: URL(fileURLWithPath: v1Path))
        let frames = root.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        try Data(try Fixtures.bytes("kws_ref_model/case-0.in-0.bin")).write(to: frames.appendingPathComponent("frame-0.bin"))
        // The genuine agent (pi-tls-a with its own certificate) and an impostor: A's certificate, B's device ID.
        var agents: [AgentProcess] = []
        defer { agents.forEach { $0.kill() } }
        for (deviceID, certificate) in [("pi-tls-a", "pi-tls-a"), ("pi-tls-b", "pi-tls-a")] {
            let configuration: [String: Any] = [
                "deviceID": deviceID, "profile": "rpi-4b-2gb",
                "profileDirectory": Fixtures.root.appendingPathComponent("firmware-profiles").path,
                "broker": tls.merging(["host": "127.0.0.1", "port": broker.port, "reconnectMinimumSeconds": 0.05, "reconnectMaximumSeconds": 0.5,
                                       "certFile": pki.appendingPathComponent("devices/\(certificate).crt").path,
                                       "keyFile": pki.appendingPathComponent("devices/\(certificate).key").path]) { $1 },
                "stateDirectory": root.appendingPathComponent("\(deviceID)-state").path,
                "trustedRootKey": keys.rootPublicKeyPath, "trustFile": keys.trustPath, "initialBundle": v1Path,
                "input": ["type": "replay", "path": frames.path, "rate": 20], "telemetry": ["intervalSeconds": 0.5],
                "queue": ["resendAfterSeconds": 2.0], "capture": ["enabled": false], "logLevel": "info",
            ]
            let path = root.appendingPathComponent("\(deviceID).json").path
            try JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
            agents.append(try AgentProcess(arguments: ["--config", path], logPath: root.appendingPathComponent("\(deviceID).log").path))
        }
        try await waitUntil("pi-tls-a's birth and telemetry are stored over mutual TLS:\n\(agents[0].log)\n\(collector.log)\n\(broker.log)", timeout: 90) {
            let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/pi-tls-a", token: read)
            let device = body["device"] as? [String: Any]
            return device?["latest"] != nil && device?["online"] as? Bool == true
        }
        try await waitUntil("the collector's acknowledgements reach pi-tls-a (its queue drains)", timeout: 60) {
            let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/pi-tls-a/telemetry?limit=1", token: read)
            return ((body["telemetry"] as? [[String: Any]])?.last?["queueDepth"] as? Int ?? 99) <= 4
        }
        // The impostor has been publishing all along; give it a few more telemetry intervals, then nothing of B.
        try await Task.sleep(for: .seconds(2))
        let (status, _) = try await HTTP.json(port: collector.httpPort, "/api/v1/devices/pi-tls-b", token: read)
        XCTAssertEqual(status, 404, "device A's certificate cannot speak for device B:\n\(agents[1].log)")
        XCTAssertTrue(broker.log.contains("pi-tls-a"), "the broker saw the certificate's CN as the username")

        // A release-key rotation: the operator installs the new trust file where the collector reads it, the
        // collector pushes it (the `trust` command) and the device applies it.
        _ = try keys.rotateRelease(now: Int64(Date().timeIntervalSince1970), validity: 365 * 86_400, name: "release-2")
        let installed = state.appendingPathComponent("trust/trust.json")
        try FileManager.default.removeItem(at: installed)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: installed.path)
        try await waitUntil("pi-tls-a applies trust file version 2 pushed by the collector:\n\(agents[0].log)\n\(collector.log)", timeout: 60) {
            let (_, body) = try await HTTP.json(port: collector.httpPort, "/api/v1/events?device=pi-tls-a&name=trust.updated", token: read)
            return (body["events"] as? [[String: Any]] ?? []).contains { ($0["details"] as? [String: Any])?["version"] as? String == "2" }
        }
        let (_, pushed) = try await HTTP.json(port: collector.httpPort, "/api/v1/events?name=trust.pushed", token: read)
        XCTAssertTrue((pushed["events"] as? [[String: Any]] ?? []).contains { ($0["details"] as? [String: Any])?["version"] as? String == "2" },
                      "\(pushed)")
    }
}
