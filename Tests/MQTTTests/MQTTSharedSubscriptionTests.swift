import MQTT
import TestSupport
import XCTest

/// MQTT v5 shared subscriptions: the collector's way to spread ingest over several instances.
final class MQTTSharedSubscriptionTests: XCTestCase {
    func testSharedSubscriptionDeliversEachMessageToExactlyOneMember() async throws {
        let broker = try Mosquitto()
        let first = try makeClient(broker, id: "collector-1")
        let second = try makeClient(broker, id: "collector-2")
        let firstReceived = MessageCollector(first)
        let secondReceived = MessageCollector(second)
        try await first.connect()
        try await second.connect()
        try await first.subscribe("$share/g/t", qos: .atLeastOnce)
        try await second.subscribe("$share/g/t", qos: .atLeastOnce)

        let publisher = try makeClient(broker, id: "share-pub")
        try await publisher.connect()
        let count = 40
        for index in 0..<count {
            try await publisher.publish(topic: "t", payload: bytes("\(index)"), qos: .atLeastOnce)
        }
        // A plain message after the shared ones, seen by both through a normal subscription,
        // tells us every shared message has been routed.
        try await first.subscribe("done")
        try await second.subscribe("done")
        try await publisher.publish(topic: "done", payload: [], qos: .atLeastOnce)
        await eventually("the end marker at both members") {
            !firstReceived.messages(on: "done").isEmpty && !secondReceived.messages(on: "done").isEmpty
        }

        let firstPayloads = firstReceived.messages(on: "t").map { String(decoding: $0.payload, as: UTF8.self) }
        let secondPayloads = secondReceived.messages(on: "t").map { String(decoding: $0.payload, as: UTF8.self) }
        XCTAssertEqual(firstPayloads.count + secondPayloads.count, count, "every message exactly once")
        XCTAssertEqual(Set(firstPayloads).union(secondPayloads), Set((0..<count).map { "\($0)" }))
        XCTAssertTrue(Set(firstPayloads).isDisjoint(with: secondPayloads))
        XCTAssertFalse(firstPayloads.isEmpty, "the broker spreads load over both members")
        XCTAssertFalse(secondPayloads.isEmpty, "the broker spreads load over both members")

        await publisher.shutdown()
        await first.shutdown()
        await second.shutdown()
    }
}
