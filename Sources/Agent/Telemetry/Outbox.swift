import FleetProtocol
import Logging

/// Where services put upward messages: into the disk queue (acknowledged kinds) or straight into an envelope
/// for direct publishing (status, chunk requests), always with the device's stream and sequence numbers.
public final class Outbox: Sendable {
    public let queue: DiskQueue
    public let topics: DeviceTopics
    private let logger: Logger

    public init(queue: DiskQueue, topics: DeviceTopics, logger: Logger) {
        self.queue = queue
        self.topics = topics
        self.logger = logger
    }

    /// Stores a queued message durably; a storage failure is logged and returned as false (telemetry is
    /// never worth stopping inference for).
    @discardableResult
    public func enqueue<Body: UpwardBody>(_ body: Body) -> Bool {
        precondition(Body.kind.isQueued, "only acknowledged kinds go through the queue")
        do {
            try queue.append(body, topic: topics.topic(Body.kind.topicKind), time: SystemProbe.nowMilliseconds())
            return true
        } catch {
            logger.error("cannot store an upward message", metadata: ["kind": "\(Body.kind.rawValue)", "error": "\(error)"])
            return false
        }
    }

    /// Records an event.
    public func event(_ event: DeviceEvent) { enqueue(event) }

    /// An envelope for a message published directly (not queued): it carries the newest sequence number
    /// assigned so far rather than a new one, so the acknowledged stream stays gap-free.
    public func direct<Body: UpwardBody>(_ body: Body) -> [UInt8] {
        let seq = queue.lastAssigned
        return (try? FleetCodec.encode(body, device: topics.deviceID, stream: queue.stream, seq: seq, head: queue.head,
                                       time: SystemProbe.nowMilliseconds())) ?? []
    }
}
