/// Every upward message: who sent it, where it sits in the device's stream, and a typed body.
///
/// `seq` numbers the device's queued messages 1, 2, 3, … within `stream` (a random ID created with the
/// device's queue, so a wiped device does not collide with its former self). `head` is the lowest sequence
/// number the device still held when the message was written: everything below it was acknowledged or
/// dropped, so the collector need not wait for it.
public struct Envelope<Body: Codable & Sendable>: Codable, Sendable {
    /// The protocol version, ``FleetProtocol/version``.
    public var version: Int
    public var kind: MessageKind
    public var device: String
    public var stream: String
    public var seq: UInt64
    public var head: UInt64
    /// Milliseconds since 1970 UTC, by the device's clock (which may be unset).
    public var time: Int64
    public var body: Body

    public init(kind: MessageKind, device: String, stream: String, seq: UInt64, head: UInt64, time: Int64, body: Body) {
        self.version = FleetProtocol.version
        self.kind = kind
        self.device = device
        self.stream = stream
        self.seq = seq
        self.head = head
        self.time = time
        self.body = body
    }

    enum CodingKeys: String, CodingKey {
        case version = "v", kind, device, stream, seq, head, time, body
    }

    /// The envelope without its body.
    public var header: EnvelopeHeader {
        EnvelopeHeader(version: version, kind: kind, device: device, stream: stream, seq: seq, head: head, time: time)
    }
}
