import Foundation
import MQTT
import TestSupport
import XCTest

/// TLS with a private CA and client certificates, against a broker that requires them.
final class MQTTTLSTests: XCTestCase {
    func testMutualTLSConnectsAndWrongCAIsRefused() async throws {
        var files: URL!
        let broker = try Mosquitto { directory in
            files = directory
            try Self.makePKI(in: directory)
            return [
                "cafile \(directory.path)/ca.crt",
                "certfile \(directory.path)/server.crt",
                "keyfile \(directory.path)/server.key",
                "require_certificate true",
            ]
        }
        func tlsClient(id: String, ca: String, withCertificate: Bool = true) throws -> MQTTClient {
            var configuration = MQTTConfiguration(host: "localhost", port: broker.port, clientID: id)
            configuration.tls = .init(
                caFile: files.appendingPathComponent(ca).path,
                certFile: withCertificate ? files.appendingPathComponent("client.crt").path : nil,
                keyFile: withCertificate ? files.appendingPathComponent("client.key").path : nil)
            return try MQTTClient(configuration: configuration, logger: testLogger())
        }

        let client = try tlsClient(id: "tls-ok", ca: "ca.crt")
        let received = MessageCollector(client)
        try await client.connect()
        try await client.subscribe("secure/#")
        try await client.publish(topic: "secure/hello", payload: bytes("encrypted"), qos: .atLeastOnce)
        await eventually("the message over TLS") { !received.messages.isEmpty }
        XCTAssertEqual(received.messages.first?.payload, bytes("encrypted"))
        await client.shutdown()

        let wrongCA = try tlsClient(id: "tls-wrong-ca", ca: "other-ca.crt")
        let error = await assertMQTTError(.tlsFailure) { try await wrongCA.connect() }
        XCTAssertTrue(error?.message.contains("caFile") ?? false, "\(String(describing: error))")
        await wrongCA.shutdown()

        let noCertificate = try tlsClient(id: "tls-no-cert", ca: "ca.crt", withCertificate: false)
        do {
            try await noCertificate.connect()
            XCTFail("the broker requires a client certificate")
        } catch let error as MQTTError {
            XCTAssertTrue([.tlsFailure, .connectionLost, .connectionFailed].contains(error.code), "\(error)")
        }
        await noCertificate.shutdown()
    }

    /// A CA, a server certificate for localhost, a client certificate, and an unrelated CA.
    private static func makePKI(in directory: URL) throws {
        let openssl = try Mosquitto.locate("openssl")
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try Mosquitto.run(openssl, ["req", "-x509"] + curve + [
                "-keyout", path("\(ca).key"), "-out", path("\(ca).crt"), "-days", "2", "-subj", "/CN=EdgeFleet test \(ca)"])
        }
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        for (name, subject) in [("server", "/CN=localhost"), ("client", "/CN=tls-client")] {
            try Mosquitto.run(openssl, ["req"] + curve + [
                "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject])
            var signing = ["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                           "-CAcreateserial", "-out", path("\(name).crt"), "-days", "2"]
            if name == "server" { signing += ["-extfile", path("server.ext")] }
            try Mosquitto.run(openssl, signing)
        }
        // mosquitto started as root drops to its own user before loading keys: test keys only.
        for key in ["server.key", "client.key"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path(key))
        }
    }
}
