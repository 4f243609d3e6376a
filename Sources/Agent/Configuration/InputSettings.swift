import FleetSupport

/// Where the inference loop's inputs come from and how their bytes become the model's input tensor.
public struct InputSettings: Codable, Sendable, Equatable {
    /// The kinds of input source.
    public enum SourceType: String, Codable, Sendable, CaseIterable {
        /// Frames from a file (one frame) or a directory (one frame per regular file, by name), at `rate`.
        case replay
        /// A Unix stream socket at `path`: frames are a 4-byte little-endian length and the bytes.
        case socket
        /// An MQTT topic (`topic`, default `edgefleet/v1/dev/<id>/input`): one frame per message.
        case mqtt
    }

    /// How a frame's bytes map to the input tensor.
    public enum Format: String, Codable, Sendable, CaseIterable {
        /// Raw tensor bytes in the model's dtype and layout (already quantised).
        case raw
        /// Little-endian float32 values, quantised with the input's scale and zero point (the bundle's preprocessing).
        case float32
    }

    public var type: SourceType
    public var path: String?
    public var topic: String?
    public var format: Format
    /// Replay frames per second; 0 runs as fast as the model allows.
    public var rate: Double
    /// Replay from the start again after the last frame.
    public var loop: Bool
    /// The largest frame accepted from the socket or MQTT.
    public var maxFrameBytes: Int
    /// MQTT frames waiting for the loop before the oldest is dropped.
    public var bufferFrames: Int

    public init(type: SourceType, path: String? = nil, topic: String? = nil, format: Format = .raw, rate: Double = 10,
                loop: Bool = true, maxFrameBytes: Int = 16 << 20, bufferFrames: Int = 64) {
        self.type = type
        self.path = path
        self.topic = topic
        self.format = format
        self.rate = rate
        self.loop = loop
        self.maxFrameBytes = maxFrameBytes
        self.bufferFrames = bufferFrames
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, path, topic, format, rate, loop, maxFrameBytes, bufferFrames
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let defaults = InputSettings(type: .replay)
        type = try c.decode(SourceType.self, forKey: .type)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        topic = try c.decodeIfPresent(String.self, forKey: .topic)
        format = try c.decodeIfPresent(Format.self, forKey: .format) ?? defaults.format
        rate = try c.decodeIfPresent(Double.self, forKey: .rate) ?? defaults.rate
        loop = try c.decodeIfPresent(Bool.self, forKey: .loop) ?? defaults.loop
        maxFrameBytes = try c.decodeIfPresent(Int.self, forKey: .maxFrameBytes) ?? defaults.maxFrameBytes
        bufferFrames = try c.decodeIfPresent(Int.self, forKey: .bufferFrames) ?? defaults.bufferFrames
    }
}
