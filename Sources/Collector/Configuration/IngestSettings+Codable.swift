import FleetSupport
import MQTT

extension IngestSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case maximumBatch, queueCapacity, maximumPayloadBytes, lingerMilliseconds, acknowledgementQoS, maximumSequenceAhead
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = IngestSettings()
        let qos = try c.decodeIfPresent(Int.self, forKey: .acknowledgementQoS) ?? d.acknowledgementQoS.rawValue
        guard let acknowledgementQoS = MQTTQoS(rawValue: qos) else {
            throw DecodingError.dataCorruptedError(forKey: .acknowledgementQoS, in: c, debugDescription: "QoS must be 0 or 1")
        }
        self.init(maximumBatch: try c.decodeIfPresent(Int.self, forKey: .maximumBatch) ?? d.maximumBatch,
                  queueCapacity: try c.decodeIfPresent(Int.self, forKey: .queueCapacity) ?? d.queueCapacity,
                  maximumPayloadBytes: try c.decodeIfPresent(Int.self, forKey: .maximumPayloadBytes) ?? d.maximumPayloadBytes,
                  lingerMilliseconds: try c.decodeIfPresent(Int.self, forKey: .lingerMilliseconds) ?? d.lingerMilliseconds,
                  acknowledgementQoS: acknowledgementQoS,
                  maximumSequenceAhead: try c.decodeIfPresent(UInt64.self, forKey: .maximumSequenceAhead) ?? d.maximumSequenceAhead)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maximumBatch, forKey: .maximumBatch)
        try c.encode(queueCapacity, forKey: .queueCapacity)
        try c.encode(maximumPayloadBytes, forKey: .maximumPayloadBytes)
        try c.encode(lingerMilliseconds, forKey: .lingerMilliseconds)
        try c.encode(acknowledgementQoS.rawValue, forKey: .acknowledgementQoS)
        try c.encode(maximumSequenceAhead, forKey: .maximumSequenceAhead)
    }
}
