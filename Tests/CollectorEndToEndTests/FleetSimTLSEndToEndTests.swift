import FleetSim
import Foundation
import TestSupport
import XCTest

/// `edgectl fleet-sim` against the locked-down broker (scripts/broker.sh: mutual TLS, per-device ACL) and the real
/// collector over mutual TLS: simulated devices with their own certificates (issued or reused by `--pki`) reach the
/// collector and are acknowledged; a simulated device holding another device's certificate, and one without any,
/// get nothing through; per-device identities on a shared connection are refused before anything is issued.
final class FleetSimTLSEndToEndTests: XCTestCase {
    func testSimulatedDevicesSpeakOverMutualTLSEachOnlyForItself() async throws {
        // tls-0 is issued beforehand (fleet-sim reuses it); fleet-sim issues tls-1 and tls-2.
        let pki = try LockedDownBroker.pki(devices: ["tls-0"])
        let broker = try LockedDownBroker(pki: pki)
        defer { broker.stop() }
        let root = try Fixtures.temporaryDirectory("collector-e2e-sim-tls")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let configuration: [String: Any] = [
            "broker": ["host": "127.0.0.1", "port": broker.port, "caFile": pki.appendingPathComponent("ca.crt").path,
                       "certFile": pki.appendingPathComponent("collectors/main.crt").path,
                       "keyFile": pki.appendingPathComponent("collectors/main.key").path],
        ]
        let configurationPath = root.appendingPathComponent("collector.json").path
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: configurationPath))
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configurationPath])
        try collector.start()
        defer { collector.stop(SIGKILL) }
        let database = state.appendingPathComponent("collector.sqlite").path
        let common = ["fleet-sim", "--pki", pki.path, "--port", "\(broker.port)", "--prefix", "tls", "--rate", "20", "--json"]

        let genuine = try ProductProcess.run("edgectl", common + ["--devices", "3", "--duration", "2", "--drain", "60"])
        XCTAssertEqual(genuine.status, 0, "\(genuine.stderr)\n\(broker.log)")
        XCTAssertTrue(genuine.stderr.contains("3 device certificates in \(pki.path)/devices (2 issued, 1 reused)"), genuine.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(genuine.stdout.utf8)) as? [String: Double])
        XCTAssertEqual(summary["allAcknowledged"], 1)
        let generated = Int(try XCTUnwrap(summary["generated"]))
        XCTAssertGreaterThan(generated, 30)
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(DISTINCT device_id) || ' ' || count(*) FROM telemetry"),
                       "3 \(generated - 3)", "every report of the three devices once (one birth per device is the rest)")
        for id in ["tls-0", "tls-1", "tls-2"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: pki.appendingPathComponent("devices/\(id).key").path))
            XCTAssertTrue(broker.log.contains("u'\(id)'"), "the broker knows \(id) by its certificate's CN:\n\(broker.log)")
        }

        // tls-9 given tls-0's certificate: it connects (a valid certificate) but the ACL stops everything it publishes.
        for suffix in ["crt", "key"] {
            try FileManager.default.copyItem(at: pki.appendingPathComponent("devices/tls-0.\(suffix)"),
                                             to: pki.appendingPathComponent("devices/tls-9.\(suffix)"))
        }
        let impostor = try ProductProcess.run("edgectl", common + ["--first-index", "9", "--devices", "1", "--duration", "2", "--drain", "3"])
        XCTAssertEqual(impostor.status, 1, "nothing of tls-9 is acknowledged: \(impostor.stderr)")
        XCTAssertTrue(impostor.stderr.contains("(0 issued, 1 reused)"), impostor.stderr)
        XCTAssertTrue(impostor.stderr.contains("connected=1"), "the impostor did connect:\n\(impostor.stderr)")
        let forged = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(impostor.stdout.utf8)) as? [String: Double])
        XCTAssertGreaterThan(forged["generated"] ?? 0, 10)
        XCTAssertEqual(forged["acknowledged"], 0)
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(*) FROM telemetry WHERE device_id = 'tls-9'"), "0")
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(*) FROM devices WHERE id = 'tls-9'"), "0",
                       "tls-0's certificate cannot speak for tls-9")

        // No client certificate: the TLS handshake is refused, nothing connects.
        let anonymous = try ProductProcess.run("edgectl", ["fleet-sim", "--cafile", pki.appendingPathComponent("ca.crt").path,
                                                           "--port", "\(broker.port)", "--prefix", "anon", "--devices", "1",
                                                           "--duration", "1", "--drain", "2", "--json"])
        XCTAssertEqual(anonymous.status, 1, anonymous.stderr)
        XCTAssertTrue(anonymous.stderr.contains("connected=0"), anonymous.stderr)
        XCTAssertEqual(try SQLiteQuery.scalar(database, "SELECT count(*) FROM devices WHERE id LIKE 'anon-%'"), "0")

        // Per-device certificates on a shared connection: refused with a clear error, before anything is issued.
        let shared = try ProductProcess.run("edgectl", common + ["--first-index", "20", "--devices", "4", "--devices-per-connection", "2",
                                                                  "--duration", "1"])
        XCTAssertNotEqual(shared.status, 0)
        XCTAssertTrue(shared.stderr.contains("--devices-per-connection must be 1"), shared.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: pki.appendingPathComponent("devices/tls-20.crt").path))
        XCTAssertEqual(collector.stop(SIGTERM), 0, collector.log)
    }
}
