import FleetSupport

/// Where predictions go besides telemetry.
public struct OutputSettings: Codable, Sendable, Equatable {
    /// Publish predictions (QoS 0, batched every 50 ms) to ``topic``.
    public var mqtt: Bool
    /// The predictions topic; default `edgefleet/v1/dev/<id>/predictions`.
    public var topic: String?
    /// Answer every socket frame with the output tensors (4-byte little-endian length, then output 0, 1, … bytes).
    public var socket: Bool

    public init(mqtt: Bool = false, topic: String? = nil, socket: Bool = false) {
        self.mqtt = mqtt
        self.topic = topic
        self.socket = socket
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case mqtt, topic, socket }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        mqtt = try c.decodeIfPresent(Bool.self, forKey: .mqtt) ?? false
        topic = try c.decodeIfPresent(String.self, forKey: .topic)
        socket = try c.decodeIfPresent(Bool.self, forKey: .socket) ?? false
    }
}
