/// A device message kept apart because it failed the stream's plausibility rules (``StreamLedger``).
public struct QuarantinedMessage: Sendable, Equatable {
    public var deviceID: String
    public var stream: String
    public var seq: UInt64
    public var head: UInt64
    public var kind: String
    public var reason: StreamLedger.QuarantineReason
    public var receivedAt: Int64
    /// The payload as received, cut at 16 KiB.
    public var payload: [UInt8]

    public init(deviceID: String, stream: String, seq: UInt64, head: UInt64, kind: String, reason: StreamLedger.QuarantineReason,
                receivedAt: Int64, payload: [UInt8]) {
        self.deviceID = deviceID
        self.stream = stream
        self.seq = seq
        self.head = head
        self.kind = kind
        self.reason = reason
        self.receivedAt = receivedAt
        self.payload = payload
    }
}
