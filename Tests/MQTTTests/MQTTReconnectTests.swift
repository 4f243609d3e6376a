import MQTT
import TestSupport
import XCTest

/// Losing the broker and getting it back.
final class MQTTReconnectTests: XCTestCase {
    func testReconnectsResubscribesAndDeliversQueuedQoS1AfterBrokerRestart() async throws {
        let broker = try Mosquitto()
        let device = try makeClient(broker, id: "reconnect-dev")
        let states = StateRecorder(device)
        let received = MessageCollector(device)
        try await device.connect()
        try await device.subscribe("cmd/#", qos: .atLeastOnce)

        broker.stop()
        await eventually("a disconnected state with a reconnect delay") {
            device.state.disconnectReason?.reconnectDelay != nil
        }
        let reason = try XCTUnwrap(device.state.disconnectReason)
        XCTAssertNotNil(reason.error, "a lost connection carries an error")

        // QoS 0 is not queued while reconnecting; QoS 1 waits for the connection and its PUBACK.
        await assertMQTTError(.notConnected) {
            try await device.publish(topic: "telemetry/x", payload: bytes("q0"), qos: .atMostOnce)
        }
        let queued = Task { try await device.publish(topic: "telemetry/x", payload: bytes("during outage"), qos: .atLeastOnce) }

        try broker.start()
        await eventually("the reconnection") { device.state.isConnected }
        try await withTimeout { try await queued.value }

        // The subscription was re-established before the state became connected.
        let operator_ = try makeClient(broker, id: "reconnect-operator")
        try await operator_.connect()
        try await operator_.publish(topic: "cmd/reboot", payload: bytes("now"), qos: .atLeastOnce)
        await eventually("the command after the restart") { !received.messages(on: "cmd/reboot").isEmpty }

        // And publishing works on the new connection.
        let telemetry = MessageCollector(operator_)
        try await operator_.subscribe("telemetry/#")
        try await device.publish(topic: "telemetry/y", payload: bytes("after"), qos: .atLeastOnce)
        await eventually("telemetry after the restart") { telemetry.payloads.contains("after") }

        let seen = states.all
        let connectedCount = seen.filter(\.isConnected).count
        XCTAssertGreaterThanOrEqual(connectedCount, 2, "\(seen)")
        XCTAssertTrue(seen.contains(.connecting), "\(seen)")
        await operator_.shutdown()
        await device.shutdown()
    }

    func testPersistentSessionKeepsQoS1MessagesWhileAway() async throws {
        let broker = try Mosquitto()
        let device = try makeClient(broker, id: "persistent-dev") {
            $0.cleanStart = false
            $0.sessionExpiry = .seconds(300)
        }
        let received = MessageCollector(device)
        try await device.connect()
        XCTAssertEqual(device.state, .connected(sessionPresent: false))
        try await device.subscribe("cmd/persistent-dev", qos: .atLeastOnce)
        await device.disconnect()

        let operator_ = try makeClient(broker, id: "persistent-operator")
        try await operator_.connect()
        try await operator_.publish(topic: "cmd/persistent-dev", payload: bytes("while away"), qos: .atLeastOnce)

        try await device.connect()
        XCTAssertEqual(device.state, .connected(sessionPresent: true))
        await eventually("the message queued by the broker") { received.payloads.contains("while away") }
        await operator_.shutdown()
        await device.shutdown()
    }

    func testDisconnectDuringBackoffStopsReconnecting() async throws {
        let broker = try Mosquitto()
        let client = try makeClient(broker, id: "backoff-stop") {
            $0.reconnectBackoff = .init(minimum: .seconds(30), maximum: .seconds(60), jitter: 0)
        }
        try await client.connect()
        broker.stop()
        await eventually("the backoff") { client.state.disconnectReason?.reconnectDelay == .seconds(30) }
        // disconnect() must cut the 30 s backoff short.
        let started = ContinuousClock.now
        await client.disconnect()
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        XCTAssertEqual(client.state, .disconnected(MQTTDisconnectReason(error: nil, reconnectDelay: nil)))
        await client.shutdown()
    }

    func testBackoffGrowsToItsCapWithJitterBelowIt() {
        let backoff = MQTTConfiguration.ReconnectBackoff(minimum: .milliseconds(100), maximum: .seconds(2), jitter: 0.5)
        for attempt in 0..<40 {
            let base = min(Duration.milliseconds(100) * (1 << min(attempt, 20)), .seconds(2))
            let delay = backoff.delay(attempt: attempt)
            XCTAssertLessThanOrEqual(delay, base)
            XCTAssertGreaterThanOrEqual(delay, base * 0.5)
        }
        let exact = MQTTConfiguration.ReconnectBackoff(minimum: .milliseconds(100), maximum: .seconds(2), jitter: 0)
        XCTAssertEqual((0..<7).map { exact.delay(attempt: $0) },
                       [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .seconds(2), .seconds(2)])
        XCTAssertEqual(exact.delay(attempt: Int.max), .seconds(2))
    }
}
