/// The device's disk queue of unacknowledged messages when a report was written.
public struct QueueStatus: Codable, Sendable, Equatable {
    /// Messages waiting for the collector's acknowledgement.
    public var depth: Int
    public var bytes: Int
    /// Messages dropped (oldest first) because the queue reached its cap, since the queue was created.
    public var dropped: UInt64

    public init(depth: Int, bytes: Int, dropped: UInt64) {
        self.depth = depth
        self.bytes = bytes
        self.dropped = dropped
    }
}
