import MQTT
import TestSupport
import XCTest

/// The bounded buffer between the network thread and the consumer of `messages`.
final class MQTTMessageBufferTests: XCTestCase {
    func testOverflowDropsAndCountsAccordingToPolicy() async throws {
        let broker = try Mosquitto()
        let keepOldest = try makeClient(broker, id: "buffer-newest") {
            $0.messageBufferSize = 5
            $0.overflowPolicy = .dropNewest
        }
        let keepNewest = try makeClient(broker, id: "buffer-oldest") {
            $0.messageBufferSize = 5
            $0.overflowPolicy = .dropOldest
        }
        try await keepOldest.connect()
        try await keepNewest.connect()
        try await keepOldest.subscribe("flood")
        try await keepNewest.subscribe("flood")

        let publisher = try makeClient(broker, id: "flood-pub")
        try await publisher.connect()
        for index in 0..<20 {
            try await publisher.publish(topic: "flood", payload: bytes("\(index)"), qos: .atLeastOnce)
        }
        // Nobody consumes yet: 5 wait in each buffer, 15 are dropped and counted.
        await eventually("15 drops under dropNewest") { keepOldest.droppedMessageCount == 15 }
        await eventually("15 drops under dropOldest") { keepNewest.droppedMessageCount == 15 }

        let oldest = try await firstPayloads(of: keepOldest, count: 5)
        XCTAssertEqual(oldest, ["0", "1", "2", "3", "4"])
        let newest = try await firstPayloads(of: keepNewest, count: 5)
        XCTAssertEqual(newest, ["15", "16", "17", "18", "19"])

        // The connection survived the flood and delivery continues once there is room.
        try await publisher.publish(topic: "flood", payload: bytes("after"), qos: .atLeastOnce)
        let after = try await firstPayloads(of: keepOldest, count: 1)
        XCTAssertEqual(after, ["after"])
        XCTAssertEqual(keepOldest.droppedMessageCount, 15)

        await publisher.shutdown()
        await keepOldest.shutdown()
        await keepNewest.shutdown()
    }

    private func firstPayloads(of client: MQTTClient, count: Int) async throws -> [String] {
        let messages = client.messages
        return try await withTimeout {
            var payloads: [String] = []
            for await message in messages {
                payloads.append(String(decoding: message.payload, as: UTF8.self))
                if payloads.count == count { break }
            }
            return payloads
        }
    }
}
