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
    /// How far ahead of what a stream has shown a sequence number may lie before the message is quarantined:
    /// the devices' queue capacity plus their publish window (`queue.maxMessages` + `queue.window` of the agent).
    public var maximumSequenceAhead: UInt64

    /// The stream plausibility limits these settings imply.
    public var ledgerLimits: StreamLedger.Limits { StreamLedger.Limits(maximumAhead: maximumSequenceAhead) }

    public init(maximumBatch: Int = 4096, queueCapacity: Int = 65_536, maximumPayloadBytes: Int = 1 << 20, lingerMilliseconds: Int = 25,
                acknowledgementQoS: MQTTQoS = .atLeastOnce, maximumSequenceAhead: UInt64 = StreamLedger.Limits().maximumAhead) {
        self.maximumSequenceAhead = maximumSequenceAhead
        self.maximumBatch = maximumBatch
        self.queueCapacity = queueCapacity
        self.maximumPayloadBytes = maximumPayloadBytes
        self.lingerMilliseconds = lingerMilliseconds
        self.acknowledgementQoS = acknowledgementQoS
    }
}
