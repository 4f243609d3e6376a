/// The topics of one device: `edgefleet/v1/dev/<device>/<kind>`.
public struct DeviceTopics: Sendable, Equatable {
    /// The device the topics belong to.
    public let deviceID: String
    /// `edgefleet/v1/dev/<device>`.
    public let base: String

    /// Topics of `deviceID`; throws when the ID cannot appear in a topic.
    public init(deviceID: String) throws(FleetProtocolError) {
        try FleetProtocol.validateDeviceID(deviceID)
        self.deviceID = deviceID
        self.base = "\(FleetProtocol.topicRoot)/dev/\(deviceID)"
    }

    /// The topic of `kind` (for ``TopicKind/bundleChunk`` use ``bundleChunk(digest:index:)``).
    public func topic(_ kind: TopicKind) -> String { "\(base)/\(kind.rawValue)" }

    public var birth: String { topic(.birth) }
    public var status: String { topic(.status) }
    public var telemetry: String { topic(.telemetry) }
    public var events: String { topic(.events) }
    public var samples: String { topic(.samples) }
    public var bundleRequest: String { topic(.bundleRequest) }
    public var predictions: String { topic(.predictions) }
    public var commands: String { topic(.commands) }
    public var ack: String { topic(.ack) }
    public var feedback: String { topic(.feedback) }
    public var input: String { topic(.input) }

    /// Where chunk `index` of the bundle with `digest` is published to the device.
    public func bundleChunk(digest: String, index: Int) -> String { "\(base)/bundle/\(digest)/\(index)" }

    /// The filter a device subscribes to for every bundle chunk.
    public var bundleChunkFilter: String { "\(base)/bundle/+/+" }
}
