import FleetProtocol
import XCTest

/// Topic names, filters and parsing: the contract between agents, the collector and simulators.
final class TopicTests: XCTestCase {
    func testDeviceTopicsFollowTheVersionedLayout() throws {
        let topics = try DeviceTopics(deviceID: "pi-17")
        XCTAssertEqual(topics.base, "edgefleet/v1/dev/pi-17")
        XCTAssertEqual(topics.telemetry, "edgefleet/v1/dev/pi-17/telemetry")
        XCTAssertEqual(topics.status, "edgefleet/v1/dev/pi-17/status")
        XCTAssertEqual(topics.commands, "edgefleet/v1/dev/pi-17/cmd")
        XCTAssertEqual(topics.ack, "edgefleet/v1/dev/pi-17/ack")
        XCTAssertEqual(topics.bundleRequest, "edgefleet/v1/dev/pi-17/bundle/request")
        let digest = String(repeating: "ab", count: 32)
        XCTAssertEqual(topics.bundleChunk(digest: digest, index: 7), "edgefleet/v1/dev/pi-17/bundle/\(digest)/7")
        XCTAssertEqual(topics.bundleChunkFilter, "edgefleet/v1/dev/pi-17/bundle/+/+")
        XCTAssertEqual(FleetTopics.filter(.telemetry), "edgefleet/v1/dev/+/telemetry")
        XCTAssertEqual(FleetTopics.filter(.bundleRequest), "edgefleet/v1/dev/+/bundle/request")
    }

    func testParsingRoundTripsEveryKind() throws {
        let topics = try DeviceTopics(deviceID: "dev_1.a-b")
        for kind in TopicKind.allCases where kind != .bundleChunk {
            let parsed = try FleetTopics.parse(topics.topic(kind))
            XCTAssertEqual(parsed, ParsedTopic(deviceID: "dev_1.a-b", kind: kind, chunk: nil), kind.rawValue)
        }
        let digest = String(repeating: "0f", count: 32)
        let chunk = try FleetTopics.parse(topics.bundleChunk(digest: digest, index: 12))
        XCTAssertEqual(chunk.kind, .bundleChunk)
        XCTAssertEqual(chunk.chunk, ParsedTopic.Chunk(digest: digest, index: 12))
    }

    func testInvalidTopicsAndDeviceIDsAreRefusedWithACode() {
        for topic in ["edgefleet/v2/dev/a/telemetry", "edgefleet/v1/dev/a", "edgefleet/v1/dev/a/unknown",
                      "edgefleet/v1/dev/a/bundle/xyz/1", "edgefleet/v1/dev/a/bundle/\(String(repeating: "a", count: 64))/-1"] {
            XCTAssertThrowsError(try FleetTopics.parse(topic), topic) { error in
                XCTAssertTrue([.invalidTopic, .invalidMessage].contains((error as? FleetProtocolError)?.code), "\(topic): \(error)")
            }
        }
        for id in ["", "a/b", "a+b", "#", "..", String(repeating: "x", count: 65), "white space"] {
            XCTAssertThrowsError(try DeviceTopics(deviceID: id), id) { error in
                XCTAssertEqual((error as? FleetProtocolError)?.code, .invalidDeviceID)
            }
        }
    }

    func testQueuedKindsAreExactlyTheAcknowledgedTopics() {
        XCTAssertEqual(Set(MessageKind.allCases.filter(\.isQueued).map(\.topicKind)), Set(FleetTopics.acknowledgedKinds))
        XCTAssertTrue(TopicKind.telemetry.isUpward)
        XCTAssertFalse(TopicKind.ack.isUpward)
    }
}
