import FleetSupport
import MQTT

/// Where the MQTT broker is and how to log in: the shared ``MQTTBrokerSettings`` (host required) plus the
/// agent's reconnect delays, all in one flat `broker` object.
public struct BrokerSettings: Codable, Sendable, Equatable {
    /// Host, port, login, TLS and keep-alive, as the collector has them too.
    public var connection: MQTTBrokerSettings
    /// First and longest delay between connection attempts.
    public var reconnectMinimumSeconds: Double
    public var reconnectMaximumSeconds: Double

    public init(host: String, port: Int = 1883, username: String? = nil, passwordFile: String? = nil, caFile: String? = nil,
                certFile: String? = nil, keyFile: String? = nil, keepAliveSeconds: Int = 30,
                reconnectMinimumSeconds: Double = 0.5, reconnectMaximumSeconds: Double = 60) {
        self.connection = MQTTBrokerSettings(host: host, port: port, username: username, passwordFile: passwordFile, caFile: caFile,
                                             certFile: certFile, keyFile: keyFile, keepAliveSeconds: keepAliveSeconds)
        self.reconnectMinimumSeconds = reconnectMinimumSeconds
        self.reconnectMaximumSeconds = reconnectMaximumSeconds
    }

    /// The agent's own keys; the object's keys are these and ``MQTTBrokerSettings/Key``.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case reconnectMinimumSeconds, reconnectMaximumSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(allowing: Self.keys)
        let defaults = BrokerSettings(host: "")
        connection = try MQTTBrokerSettings(from: decoder, defaultHost: nil)
        reconnectMinimumSeconds = try c.decodeIfPresent(Double.self, forKey: .reconnectMinimumSeconds) ?? defaults.reconnectMinimumSeconds
        reconnectMaximumSeconds = try c.decodeIfPresent(Double.self, forKey: .reconnectMaximumSeconds) ?? defaults.reconnectMaximumSeconds
    }

    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reconnectMinimumSeconds, forKey: .reconnectMinimumSeconds)
        try c.encode(reconnectMaximumSeconds, forKey: .reconnectMaximumSeconds)
    }

    /// Every key of the `broker` object.
    static let keys = Set(MQTTBrokerSettings.Key.allCases.map(\.stringValue) + CodingKeys.allCases.map(\.stringValue))
}
