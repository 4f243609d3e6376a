import MQTT
import TestSupport
import XCTest

/// Failures a person has to act on, reported as MQTTError with a precise code and message.
final class MQTTErrorTests: XCTestCase {
    func testWrongPasswordIsRejectedWithAClearError() async throws {
        let broker = try Mosquitto(users: ["device": "s3cret"])

        for version in MQTTConfiguration.ProtocolVersion.allCases {
            let client = try makeClient(broker, id: "auth-bad-\(version)") {
                $0.username = "device"
                $0.password = "wrong"
                $0.protocolVersion = version
            }
            let error = await assertMQTTError(.notAuthorized) { try await client.connect() }
            XCTAssertTrue(error?.message.contains("username and password") ?? false, "\(String(describing: error))")
            XCTAssertTrue(error?.message.contains("127.0.0.1:\(broker.port)") ?? false, "\(String(describing: error))")
            XCTAssertNotNil(error?.reasonCode)
            // The failure is final for this connect(): no retry loop behind the caller's back.
            XCTAssertEqual(client.state.disconnectReason?.error?.code, .notAuthorized)
            XCTAssertNil(client.state.disconnectReason?.reconnectDelay)
            await client.shutdown()
        }

        let anonymous = try makeClient(broker, id: "auth-anonymous")
        await assertMQTTError(.notAuthorized) { try await anonymous.connect() }
        await anonymous.shutdown()

        let good = try makeClient(broker, id: "auth-good") {
            $0.username = "device"
            $0.password = "s3cret"
        }
        try await good.connect()
        XCTAssertTrue(good.state.isConnected)
        await good.shutdown()
    }

    func testUnreachableBrokerAndUnknownHost() async throws {
        let closedPort = try Mosquitto.freePort()
        let refused = try MQTTClient(
            configuration: MQTTConfiguration(host: "127.0.0.1", port: closedPort, clientID: "refused"), logger: testLogger())
        let error = await assertMQTTError(.connectionFailed) { try await refused.connect() }
        XCTAssertTrue(error?.message.contains("127.0.0.1:\(closedPort)") ?? false, "\(String(describing: error))")
        XCTAssertTrue(error?.message.lowercased().contains("refused") ?? false, "\(String(describing: error))")
        // A failed client can try again (here: still nobody listening).
        await assertMQTTError(.connectionFailed) { try await refused.connect() }
        await refused.shutdown()

        let unknown = try MQTTClient(
            configuration: MQTTConfiguration(host: "broker.invalid", port: 1883, clientID: "unknown"), logger: testLogger())
        let lookup = await assertMQTTError(.hostNotFound) { try await unknown.connect() }
        XCTAssertTrue(lookup?.message.contains("broker.invalid") ?? false, "\(String(describing: lookup))")
        await unknown.shutdown()
    }

    func testInvalidConfigurationIsRefusedUpFront() {
        func refuses(_ adjust: (inout MQTTConfiguration) -> Void, file: StaticString = #filePath, line: UInt = #line) {
            var configuration = MQTTConfiguration(host: "127.0.0.1", clientID: "config")
            adjust(&configuration)
            do {
                _ = try MQTTClient(configuration: configuration, logger: testLogger())
                XCTFail("expected invalidConfiguration", file: file, line: line)
            } catch {
                XCTAssertEqual(error.code, .invalidConfiguration, "\(error)", file: file, line: line)
            }
        }
        refuses { $0.port = 0 }
        refuses { $0.host = "" }
        refuses { $0.keepAlive = .seconds(2) }
        refuses { $0.messageBufferSize = 0 }
        refuses { $0.sendMaximum = 0 }
        refuses { $0.sendMaximum = 65_536 }
        refuses { $0.clientID = ""; $0.cleanStart = false }
        refuses { $0.password = "no user" }
        refuses { $0.reconnectBackoff = .init(minimum: .seconds(5), maximum: .seconds(1)) }
        refuses { $0.will = .init(topic: "status/+", payload: []) }
        refuses { $0.tls = .init(caFile: "/nonexistent/ca.pem") }
        refuses { $0.tls = .init(caFile: "/etc/hostname", certFile: "/etc/hostname") }
    }

    func testBadTopicsAndMissingConnection() async throws {
        let broker = try Mosquitto()
        let client = try makeClient(broker, id: "topics")
        await assertMQTTError(.notConnected) { try await client.publish(topic: "a", payload: [], qos: .atMostOnce) }
        await assertMQTTError(.notConnected) { try await client.publish(topic: "a", payload: [], qos: .atLeastOnce) }
        try await client.connect()
        await assertMQTTError(.invalidArgument) { try await client.publish(topic: "a/+", payload: [], qos: .atLeastOnce) }
        await assertMQTTError(.invalidArgument) { try await client.publish(topic: "", payload: [], qos: .atMostOnce) }
        await assertMQTTError(.invalidArgument) { try await client.subscribe("a/#/b") }
        await assertMQTTError(.invalidArgument) { try await client.subscribe("") }
        // The client is still usable after refused calls.
        try await client.subscribe("ok/#")
        try await client.publish(topic: "ok/1", payload: [1], qos: .atLeastOnce)
        await client.shutdown()
    }

    func testCancelledPublishWaitEndsPromptly() async throws {
        let broker = try Mosquitto()
        let client = try makeClient(broker, id: "cancel")
        try await client.connect()
        broker.stop()
        await eventually("the reconnect backoff") { client.state.disconnectReason?.reconnectDelay != nil }
        let waiting = Task { try await client.publish(topic: "t", payload: [], qos: .atLeastOnce) }
        waiting.cancel()
        do {
            try await withTimeout { try await waiting.value }
            XCTFail("a cancelled wait must not report the message as sent")
        } catch is CancellationError {
        }
        await client.shutdown()
    }
}
