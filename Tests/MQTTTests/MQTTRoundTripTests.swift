import MQTT
import TestSupport
import XCTest

/// Publishing and receiving through a real broker.
final class MQTTRoundTripTests: XCTestCase {
    func testRoundTripAtQoS0AndQoS1WithUserProperties() async throws {
        let broker = try Mosquitto()
        let subscriber = try makeClient(broker, id: "rt-sub")
        let publisher = try makeClient(broker, id: "rt-pub")
        let received = MessageCollector(subscriber)
        try await subscriber.connect()
        try await publisher.connect()
        XCTAssertEqual(subscriber.state, .connected(sessionPresent: false))
        try await subscriber.subscribe("rt/#", qos: .atLeastOnce)

        try await publisher.publish(topic: "rt/zero", payload: bytes("q0"), qos: .atMostOnce)
        try await publisher.publish(
            topic: "rt/one", payload: bytes("q1"), qos: .atLeastOnce,
            userProperties: [MQTTUserProperty(name: "schema", value: "v1"), MQTTUserProperty(name: "schema", value: "v2")])
        try await publisher.publish(topic: "rt/empty", payload: [], qos: .atLeastOnce)

        await eventually("three messages") { received.messages.count >= 3 }
        let zero = try XCTUnwrap(received.messages(on: "rt/zero").first)
        XCTAssertEqual(zero.payload, bytes("q0"))
        XCTAssertEqual(zero.qos, .atMostOnce)
        XCTAssertFalse(zero.retain)
        let one = try XCTUnwrap(received.messages(on: "rt/one").first)
        XCTAssertEqual(one.payload, bytes("q1"))
        XCTAssertEqual(one.qos, .atLeastOnce)
        XCTAssertEqual(one.userProperties, [MQTTUserProperty(name: "schema", value: "v1"), MQTTUserProperty(name: "schema", value: "v2")])
        XCTAssertEqual(received.messages(on: "rt/empty").first?.payload, [])
        XCTAssertEqual(subscriber.droppedMessageCount, 0)

        await publisher.shutdown()
        await subscriber.shutdown()
    }

    func testRoundTripOverMQTT311() async throws {
        let broker = try Mosquitto()
        let client = try makeClient(broker, id: "v311") { $0.protocolVersion = .v311 }
        let received = MessageCollector(client)
        try await client.connect()
        try await client.subscribe("legacy/+", qos: .atLeastOnce)
        try await client.publish(topic: "legacy/a", payload: bytes("hello"), qos: .atLeastOnce,
                                 userProperties: [MQTTUserProperty(name: "ignored", value: "under v3.1.1")])
        await eventually("the message") { !received.messages.isEmpty }
        XCTAssertEqual(received.messages.first?.payload, bytes("hello"))
        XCTAssertEqual(received.messages.first?.userProperties, [])
        await client.shutdown()
    }

    func testRetainedMessageReachesLateSubscriber() async throws {
        let broker = try Mosquitto()
        let device = try makeClient(broker, id: "retain-dev")
        try await device.connect()
        try await device.publish(topic: "status/dev1", payload: bytes("online"), qos: .atLeastOnce, retain: true)
        try await device.publish(topic: "status/dev2", payload: bytes("live only"), qos: .atLeastOnce, retain: false)

        let late = try makeClient(broker, id: "retain-late")
        let received = MessageCollector(late)
        try await late.connect()
        try await late.subscribe("status/#")
        await eventually("the retained message") { !received.messages.isEmpty }
        XCTAssertEqual(received.messages.map(\.topic), ["status/dev1"])
        XCTAssertEqual(received.messages.first?.payload, bytes("online"))
        XCTAssertEqual(received.messages.first?.retain, true)

        await device.shutdown()
        await late.shutdown()
    }

    func testConcurrentQoS1PublishesAllReturnAfterAcknowledgement() async throws {
        let broker = try Mosquitto()
        let publisher = try makeClient(broker, id: "burst-pub")
        let subscriber = try makeClient(broker, id: "burst-sub") { $0.messageBufferSize = 1000 }
        let received = MessageCollector(subscriber)
        try await publisher.connect()
        try await subscriber.connect()
        try await subscriber.subscribe("burst/#")

        let count = 300
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await publisher.publish(topic: "burst/\(index % 7)", payload: bytes("\(index)"), qos: .atLeastOnce)
                }
            }
            try await group.waitForAll()
        }
        await eventually("\(count) messages") { received.messages.count >= count }
        XCTAssertEqual(Set(received.payloads), Set((0..<count).map { "\($0)" }))
        await publisher.shutdown()
        await subscriber.shutdown()
    }

    func testUnsubscribeStopsDelivery() async throws {
        let broker = try Mosquitto()
        let client = try makeClient(broker, id: "unsub")
        let received = MessageCollector(client)
        try await client.connect()
        try await client.subscribe("a/#")
        try await client.subscribe("b/#")
        try await client.unsubscribe("a/#")
        try await client.publish(topic: "a/1", payload: bytes("dropped"), qos: .atLeastOnce)
        try await client.publish(topic: "b/1", payload: bytes("kept"), qos: .atLeastOnce)
        // Same connection, same broker: "a/1" would have been delivered before "b/1".
        await eventually("the b/1 message") { !received.messages.isEmpty }
        XCTAssertEqual(received.messages.map(\.topic), ["b/1"])
        await client.shutdown()
    }

    func testShutdownFinishesStreamsAndRefusesFurtherUse() async throws {
        let broker = try Mosquitto()
        let client = try makeClient(broker, id: "shutdown")
        let states = client.stateChanges()
        try await client.connect()
        await client.shutdown()
        await client.shutdown()
        XCTAssertEqual(client.state, .shutDown)

        let ended = try await withTimeout {
            var iterator = client.messages.makeAsyncIterator()
            return await iterator.next() == nil
        }
        XCTAssertTrue(ended)
        let seen = try await withTimeout {
            var all: [MQTTConnectionState] = []
            for await state in states { all.append(state) }
            return all
        }
        XCTAssertEqual(seen.first, .disconnected(nil))
        XCTAssertTrue(seen.contains(.connected(sessionPresent: false)))
        XCTAssertEqual(seen.last, .shutDown)

        await assertMQTTError(.shutDown) { try await client.connect() }
        await assertMQTTError(.shutDown) { try await client.publish(topic: "x", payload: [], qos: .atLeastOnce) }
        await assertMQTTError(.shutDown) { try await client.subscribe("x") }
    }

    func testReleasingAConnectedClientDisconnectsCleanly() async throws {
        let broker = try Mosquitto()
        let observer = try makeClient(broker, id: "release-observer")
        let received = MessageCollector(observer)
        try await observer.connect()
        try await observer.subscribe("gone/#")
        do {
            let client = try makeClient(broker, id: "released") {
                $0.will = .init(topic: "gone/released", payload: bytes("will"), qos: .atLeastOnce)
            }
            try await client.connect()
        }
        // The released client's thread sends DISCONNECT, so the broker must not publish its will;
        // a will would reach the observer before the marker published after the disconnect.
        await eventually("the broker to log the clean disconnect") { broker.log.contains("Client released disconnected") }
        try await observer.publish(topic: "gone/marker", payload: [], qos: .atLeastOnce)
        await eventually("the marker") { !received.messages(on: "gone/marker").isEmpty }
        XCTAssertEqual(received.messages(on: "gone/released").count, 0, broker.log)
        await observer.shutdown()
    }
}
