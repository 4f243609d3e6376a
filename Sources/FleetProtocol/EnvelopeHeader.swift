/// The fields every upward message shares, decodable without knowing the body's type.
public struct EnvelopeHeader: Codable, Sendable, Equatable {
    public var version: Int
    public var kind: MessageKind
    public var device: String
    public var stream: String
    public var seq: UInt64
    public var head: UInt64
    public var time: Int64

    public init(version: Int, kind: MessageKind, device: String, stream: String, seq: UInt64, head: UInt64, time: Int64) {
        self.version = version
        self.kind = kind
        self.device = device
        self.stream = stream
        self.seq = seq
        self.head = head
        self.time = time
    }

    enum CodingKeys: String, CodingKey {
        case version = "v", kind, device, stream, seq, head, time
    }
}
