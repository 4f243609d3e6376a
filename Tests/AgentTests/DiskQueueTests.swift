import Agent
import FleetProtocol
import Foundation
import XCTest

/// The bounded, durable queue of upward messages.
final class DiskQueueTests: XCTestCase {
    private static func event(_ n: Int) -> DeviceEvent { DeviceEvent(name: EventName(rawValue: "test"), details: ["n": "\(n)"]) }

    private func open(_ directory: String, maxMessages: Int = 100, maxBytes: Int = 1 << 20) throws -> DiskQueue {
        try DiskQueue(directory: directory, device: "dev-1", maxMessages: maxMessages, maxBytes: maxBytes)
    }

    func testSequenceNumbersSurviveReopeningAndAcknowledgementTrims() throws {
        let directory = try AgentFixtures.directory(self, "queue") + "/queue"
        let queue = try open(directory)
        for n in 1...5 { XCTAssertEqual(try queue.append(Self.event(n), topic: "t/\(n)", time: Int64(n)), UInt64(n)) }
        let stream = queue.stream
        XCTAssertEqual(queue.status.depth, 5)
        let third = try XCTUnwrap(try queue.message(3))
        XCTAssertEqual(third.topic, "t/3")
        let envelope = try FleetCodec.decode(DeviceEvent.self, from: third.payload)
        XCTAssertEqual(envelope.seq, 3)
        XCTAssertEqual(envelope.head, 1)
        XCTAssertEqual(envelope.stream, stream)
        XCTAssertEqual(envelope.device, "dev-1")
        XCTAssertEqual(envelope.body.details["n"], "3")

        XCTAssertEqual(try queue.acknowledge(stream: stream, through: 2), .ignored(.beyondPublished), "nothing was published yet")
        XCTAssertEqual(queue.status.depth, 5)
        for n in 1...3 { queue.markPublished(UInt64(n)) }
        XCTAssertEqual(try queue.acknowledge(stream: stream, through: 2), .accepted(through: 2, removed: [1, 2]))
        XCTAssertEqual(queue.head, 3)
        XCTAssertEqual(try queue.acknowledge(stream: stream, through: 2), .ignored(.stale), "acknowledging again changes nothing")
        XCTAssertNil(try queue.message(2))
        try queue.checkpoint()

        let reopened = try open(directory)
        XCTAssertEqual(reopened.stream, stream)
        XCTAssertEqual(reopened.status.depth, 3)
        XCTAssertEqual(reopened.acknowledged, 2)
        XCTAssertEqual(reopened.publishedThrough, 3, "the watermark written by checkpoint survives")
        XCTAssertEqual(reopened.next(after: 0), 3)
        XCTAssertEqual(reopened.next(after: 3), 4)
        XCTAssertNil(reopened.next(after: 5))
        XCTAssertEqual(try reopened.append(Self.event(6), topic: "t/6", time: 6), 6)
        let sixth = try FleetCodec.decode(DeviceEvent.self, from: try XCTUnwrap(try reopened.message(6)).payload)
        XCTAssertEqual(sixth.head, 3, "head names the oldest message still held")

        // An acknowledgement beyond what was published deletes nothing; within it, everything it covers.
        XCTAssertEqual(try reopened.acknowledge(stream: stream, through: 100), .ignored(.beyondPublished))
        XCTAssertEqual(try reopened.acknowledge(stream: "other", through: 3), .ignored(.otherStream))
        XCTAssertEqual(reopened.status.depth, 4)
        for n in 4...6 { reopened.markPublished(UInt64(n)) }
        XCTAssertEqual(try reopened.acknowledge(stream: stream, through: 6), .accepted(through: 6, removed: [3, 4, 5, 6]))
        XCTAssertEqual(reopened.acknowledged, 6)
        XCTAssertEqual(reopened.status.depth, 0)
        // The numbering continues after a restart.
        XCTAssertEqual(try open(directory).append(Self.event(7), topic: "t", time: 7), 7)
    }

    func testPastTheCapTheOldestAreDroppedCountedAndAnnounced() throws {
        let directory = try AgentFixtures.directory(self, "queue") + "/queue"
        let queue = try open(directory, maxMessages: 10)
        for n in 1...15 { try queue.append(Self.event(n), topic: "t", time: 0) }
        XCTAssertEqual(queue.status.depth, 10)
        XCTAssertEqual(queue.status.dropped, 5)
        XCTAssertEqual(queue.head, 6)
        XCTAssertNil(try queue.message(5))
        let last = try FleetCodec.decode(DeviceEvent.self, from: try XCTUnwrap(try queue.message(15)).payload)
        XCTAssertEqual(last.head, 6, "the collector learns that 1…5 will never come")
        XCTAssertEqual(try open(directory, maxMessages: 10).status.dropped, 5, "the drop count is durable")

        let small = try open(try AgentFixtures.directory(self, "queue") + "/q2", maxBytes: 65_536)
        let big = DeviceEvent(name: EventName(rawValue: "big"), details: ["pad": String(repeating: "x", count: 20_000)])
        for _ in 0..<5 { try small.append(big, topic: "t", time: 0) }
        XCTAssertLessThanOrEqual(small.status.bytes, 65_536)
        XCTAssertEqual(small.status.depth, 3)
        XCTAssertEqual(small.status.dropped, 2)
    }

    func testLeftoversOfACrashAreCleanedUp() throws {
        let directory = try AgentFixtures.directory(self, "queue") + "/queue"
        let queue = try open(directory)
        for n in 1...3 { try queue.append(Self.event(n), topic: "t", time: 0) }
        queue.markPublished(1)
        XCTAssertEqual(try queue.acknowledge(stream: queue.stream, through: 1), .accepted(through: 1, removed: [1]))
        // A crash after the acknowledgement was persisted but before the file was removed, and a torn write.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(directory)/00000000000000000001.msg"))
        try Data([9]).write(to: URL(fileURLWithPath: "\(directory)/00000000000000000004.msg.tmp"))
        let reopened = try open(directory)
        XCTAssertEqual(reopened.status.depth, 2)
        XCTAssertEqual(reopened.head, 2)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertFalse(names.contains { $0.hasSuffix(".tmp") }, "\(names)")
        XCTAssertFalse(names.contains("00000000000000000001.msg"), "\(names)")
        XCTAssertEqual(try reopened.append(Self.event(4), topic: "t", time: 0), 4)
    }

    func testConcurrentAppendsGetDistinctContiguousNumbers() async throws {
        let queue = try open(try AgentFixtures.directory(self, "queue") + "/queue", maxMessages: 1000)
        let numbers = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for n in 0..<64 { group.addTask { try queue.append(Self.event(n), topic: "t", time: 0) } }
            return try await group.reduce(into: [UInt64]()) { $0.append($1) }
        }
        XCTAssertEqual(numbers.sorted(), Array(1...64))
    }

    /// Issue 22: a forged acknowledgement far above anything published deletes nothing, and after a crash the
    /// watermark is what was last persisted, never more.
    func testOnlyPublishedMessagesAreDeletedAcrossRestarts() throws {
        let directory = try AgentFixtures.directory(self, "queue") + "/queue"
        let queue = try open(directory)
        for n in 1...10 { try queue.append(Self.event(n), topic: "t", time: 0) }
        for n in 1...4 { queue.markPublished(UInt64(n)) }
        XCTAssertEqual(try queue.acknowledge(stream: queue.stream, through: 4_611_686_018_427_387_904), .ignored(.beyondPublished))
        XCTAssertEqual(queue.status.depth, 10)
        XCTAssertEqual(try queue.acknowledge(stream: queue.stream, through: 2), .accepted(through: 2, removed: [1, 2]))
        // Published 3…6 after the last write of state.json, then a crash (no checkpoint).
        queue.markPublished(5)
        queue.markPublished(6)
        let crashed = try open(directory)
        XCTAssertEqual(crashed.publishedThrough, 4, "the watermark written with the acknowledgement")
        XCTAssertEqual(try crashed.acknowledge(stream: crashed.stream, through: 6), .ignored(.beyondPublished),
                       "5 and 6 count as unpublished until they are sent again")
        XCTAssertEqual(try crashed.acknowledge(stream: crashed.stream, through: 4), .accepted(through: 4, removed: [3, 4]))
        XCTAssertEqual(crashed.status.depth, 6)
        XCTAssertEqual(crashed.status.dropped, 0)
        XCTAssertEqual(try crashed.append(Self.event(11), topic: "t", time: 0), 11)
    }
}
