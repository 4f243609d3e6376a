/// The collector has durably stored every queued message of `stream` up to and including `seq`.
///
/// The device deletes those messages from its disk queue. The collector acknowledges only a contiguous
/// prefix (treating numbers below a message's `head` as settled), so nothing it missed is ever deleted.
public struct Acknowledgement: DownwardMessage, Equatable {
    public var version: Int
    public var stream: String
    public var seq: UInt64

    public init(stream: String, seq: UInt64) {
        self.version = FleetProtocol.version
        self.stream = stream
        self.seq = seq
    }

    enum CodingKeys: String, CodingKey { case version = "v", stream, seq }
}
