import Foundation
import MQTT
import TestSupport
import XCTest

/// The fleet's PKI (`edgectl pki`) and the locked-down broker (`scripts/broker.sh`) together: mutual TLS only,
/// each device speaking and listening only for itself, and a revoked device refused once the broker restarts.
final class BrokerLockdownTests: XCTestCase {
    /// A CA with two devices, a collector and the broker's certificate for 127.0.0.1.
    private func makePKI() throws -> URL {
        let pki = try Fixtures.temporaryDirectory("pki").appendingPathComponent("pki")
        try edgectl(["pki", "init", "--dir", pki.path])
        for arguments in [["--device", "dev-a"], ["--device", "dev-b"], ["--collector", "main"], ["--server", "127.0.0.1"]] {
            try edgectl(["pki", "issue", "--dir", pki.path] + arguments)
        }
        return pki
    }

    @discardableResult
    private func edgectl(_ arguments: [String]) throws -> String {
        let result = try ProductProcess.run("edgectl", arguments)
        XCTAssertEqual(result.status, 0, "edgectl \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    private func client(_ pki: URL, port: Int, id: String, identity: String?) throws -> MQTTClient {
        var configuration = MQTTConfiguration(host: "127.0.0.1", port: port, clientID: id)
        configuration.tls = .init(caFile: pki.appendingPathComponent("ca.crt").path,
                                  certFile: identity.map { pki.appendingPathComponent("\($0).crt").path },
                                  keyFile: identity.map { pki.appendingPathComponent("\($0).key").path })
        configuration.reconnectBackoff = .init(minimum: .milliseconds(50), maximum: .milliseconds(200), jitter: 0)
        return try MQTTClient(configuration: configuration, logger: testLogger())
    }

    func testPKIFilesAreLaidOutWithPrivateKeys0600() throws {
        let pki = try makePKI()
        for file in ["ca.crt", "ca.key", "crl.pem", "devices/dev-a.crt", "devices/dev-a.key", "collectors/main.crt",
                     "collectors/main.key", "servers/127.0.0.1.crt", "servers/127.0.0.1.key"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: pki.appendingPathComponent(file).path), file)
        }
        for key in ["ca.key", "devices/dev-a.key", "collectors/main.key", "servers/127.0.0.1.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: pki.appendingPathComponent(key).path)[.posixPermissions] as? NSNumber
            XCTAssertEqual(mode?.intValue, 0o600, key)
        }
        // OpenSSL, an independent reader, agrees: chain, CN, SAN and the CRL's signature.
        let openssl = try Mosquitto.locate("openssl")
        func run(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "openssl \(arguments.joined(separator: " ")): \(output)")
            return output
        }
        XCTAssertTrue(try run(["verify", "-CAfile", pki.appendingPathComponent("ca.crt").path,
                               pki.appendingPathComponent("devices/dev-a.crt").path]).contains("OK"))
        XCTAssertTrue(try run(["x509", "-noout", "-subject", "-in", pki.appendingPathComponent("devices/dev-a.crt").path]).contains("CN = dev-a"))
        XCTAssertTrue(try run(["x509", "-noout", "-ext", "subjectAltName", "-in", pki.appendingPathComponent("servers/127.0.0.1.crt").path])
            .contains("IP Address:127.0.0.1"))
        try edgectl(["pki", "revoke", "--dir", pki.path, "--device", "dev-b"])
        let crl = try run(["crl", "-noout", "-text", "-CAfile", pki.appendingPathComponent("ca.crt").path,
                           "-in", pki.appendingPathComponent("crl.pem").path])
        XCTAssertTrue(crl.contains("verify OK") || crl.contains("Certificate Revocation List"), crl)
        XCTAssertTrue(crl.contains("Serial Number"), "the revoked serial is listed: \(crl)")
    }

    func testDevicesSpeakOnlyForThemselvesAndARevokedDeviceIsRefusedAfterARestart() async throws {
        let pki = try makePKI()
        let broker = try LockedDownBroker(pki: pki)
        defer { broker.stop() }
        let devices = pki.appendingPathComponent("devices"), collectors = pki.appendingPathComponent("collectors")

        // Anonymous (no certificate) and plain-TCP clients are refused.
        let anonymous = try client(pki, port: broker.port, id: "anonymous", identity: nil)
        do {
            try await anonymous.connect()
            XCTFail("a client without a certificate must be refused")
        } catch let error as MQTTError {
            XCTAssertTrue([.tlsFailure, .connectionLost, .connectionFailed, .connectionRefused, .notAuthorized].contains(error.code), "\(error)")
        }
        await anonymous.shutdown()
        let plain = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "plain"), logger: testLogger())
        do {
            try await plain.connect()
            XCTFail("plain TCP must be refused")
        } catch is MQTTError {}
        await plain.shutdown()

        // The collector sees every device's upward topics.
        let collector = try client(pki, port: broker.port, id: "collector", identity: "collectors/main")
        let seen = MessageCollector(collector)
        try await collector.connect()
        try await collector.subscribe("edgefleet/v1/dev/+/telemetry", qos: .atLeastOnce)
        _ = collectors

        let deviceA = try client(pki, port: broker.port, id: "dev-a", identity: "devices/dev-a")
        let receivedByA = MessageCollector(deviceA)
        try await deviceA.connect()
        try await deviceA.subscribe("edgefleet/v1/dev/dev-a/cmd", qos: .atLeastOnce)
        // A's attempts at B's command and chunk topics and at wildcards: refused by the broker or filtered per delivery.
        for filter in ["edgefleet/v1/dev/dev-b/cmd", "edgefleet/v1/dev/dev-b/bundle/+/+", "edgefleet/v1/dev/+/cmd", "edgefleet/v1/#"] {
            try? await deviceA.subscribe(filter, qos: .atLeastOnce)
        }
        // A publishes as B (refused, nothing reaches the collector), then as itself (delivered).
        // MQTT 5 answers the refused publish "not authorized"; either way nothing may be delivered.
        do {
            try await deviceA.publish(topic: "edgefleet/v1/dev/dev-b/telemetry", payload: bytes("forged"), qos: .atLeastOnce)
        } catch let error as MQTTError {
            XCTAssertEqual(error.code, .notAuthorized, "\(error)")
        }
        try await deviceA.publish(topic: "edgefleet/v1/dev/dev-a/telemetry", payload: bytes("genuine"), qos: .atLeastOnce)
        await eventually("A's own telemetry reaches the collector") { !seen.messages(on: "edgefleet/v1/dev/dev-a/telemetry").isEmpty }
        // The collector commands both devices: A gets only its own command and chunk.
        try await collector.publish(topic: "edgefleet/v1/dev/dev-b/cmd", payload: bytes("for-b"), qos: .atLeastOnce)
        try await collector.publish(topic: "edgefleet/v1/dev/dev-b/bundle/\(String(repeating: "a", count: 64))/0", payload: bytes("chunk-b"), qos: .atLeastOnce)
        try await collector.publish(topic: "edgefleet/v1/dev/dev-a/cmd", payload: bytes("for-a"), qos: .atLeastOnce)
        await eventually("A's own command") { receivedByA.payloads.contains("for-a") }
        // Give a wrongly delivered message time to arrive before asserting it did not (A's own arrived after it).
        try await Task.sleep(for: .milliseconds(300))
        // mosquitto accepts a wildcard subscription and checks every delivery against the ACL: A gets its own command
        // once per matching filter, and nothing of B's.
        XCTAssertEqual(Set(receivedByA.payloads), ["for-a"], "A must read neither B's command nor B's chunks")
        XCTAssertFalse(receivedByA.messages.contains { $0.topic.contains("/dev-b/") }, "\(receivedByA.messages.map(\.topic))")
        XCTAssertTrue(seen.messages(on: "edgefleet/v1/dev/dev-b/telemetry").isEmpty, "A's message as B must not reach the collector")
        XCTAssertEqual(seen.payloads, ["genuine"])
        await deviceA.shutdown()

        // B connects while valid; after `edgectl pki revoke` and a broker restart it is refused, A is not.
        let deviceB = try client(pki, port: broker.port, id: "dev-b", identity: "devices/dev-b")
        try await deviceB.connect()
        await deviceB.shutdown()
        let keptB = try Fixtures.temporaryDirectory("revoked-b")
        for suffix in ["crt", "key"] {
            try FileManager.default.copyItem(at: devices.appendingPathComponent("dev-b.\(suffix)"), to: keptB.appendingPathComponent("dev-b.\(suffix)"))
        }
        try edgectl(["pki", "revoke", "--dir", pki.path, "--device", "dev-b"])
        try broker.restart()
        var revokedConfiguration = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "dev-b-revoked")
        revokedConfiguration.tls = .init(caFile: pki.appendingPathComponent("ca.crt").path, certFile: keptB.appendingPathComponent("dev-b.crt").path,
                                         keyFile: keptB.appendingPathComponent("dev-b.key").path)
        let revoked = try MQTTClient(configuration: revokedConfiguration, logger: testLogger())
        do {
            try await revoked.connect()
            XCTFail("a revoked device must be refused after the broker restarted\n\(broker.log)")
        } catch is MQTTError {}
        await revoked.shutdown()
        let stillA = try client(pki, port: broker.port, id: "dev-a-again", identity: "devices/dev-a")
        try await stillA.connect()
        await stillA.shutdown()
        await collector.shutdown()
    }
}
