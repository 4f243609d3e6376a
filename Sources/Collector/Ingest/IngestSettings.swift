import MQTT

/// How incoming messages are batched, bounded and acknowledged.
public struct IngestSettings: Sendable, Equatable {
    /// Messages per transaction at most.
    public var maximumBatch: Int
    /// Messages decoded and waiting for the writer at most; past it the reader waits.
    public var queueCapacity: Int
    /// Payloads above this are rejected (`oversized`).
    public var maximumPayloadBytes: Int
    /// Commits start at most this often (fewer, larger transactions under load); also the longest a message waits.
    public var lingerMilliseconds: Int
    public var acknowledgementQoS: MQTTQoS

    public init(maximumBatch: Int = 4096, queueCapacity: Int = 65_536, maximumPayloadBytes: Int = 1 << 20, lingerMilliseconds: Int = 25,
                acknowledgementQoS: MQTTQoS = .atLeastOnce) {
        self.maximumBatch = maximumBatch
        self.queueCapacity = queueCapacity
        self.maximumPayloadBytes = maximumPayloadBytes
        self.lingerMilliseconds = lingerMilliseconds
        self.acknowledgementQoS = acknowledgementQoS
    }
}
