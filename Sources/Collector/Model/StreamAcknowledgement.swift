/// The highest contiguous sequence number durably stored for one stream of one device.
public struct StreamAcknowledgement: Sendable, Equatable, Hashable {
    public var deviceID: String
    public var stream: String
    public var seq: UInt64

    public init(deviceID: String, stream: String, seq: UInt64) {
        self.deviceID = deviceID
        self.stream = stream
        self.seq = seq
    }
}
