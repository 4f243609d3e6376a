import FleetSupport
import FleetSupport
import Foundation
import MQTT

/// How the collector reaches the MQTT broker.
public struct BrokerConfiguration: Codable, Sendable, Equatable {
    /// Host (default 127.0.0.1), port, login, TLS and keep-alive, as the agent has them too.
    public var connection: MQTTBrokerSettings
    /// Unique per broker; replicas need distinct IDs. Default: `edge-collector-<hostname>`.
    public var clientID: String?
    /// The group of the `$share/<group>/…` subscriptions replicas split the fleet's messages over.
    public var sharedGroup: String
    /// Keep the session (and QoS 1 messages queued by the broker) across restarts for an hour.
    public var persistentSession: Bool
    /// Received messages buffered between the network thread and ingest.
    public var messageBufferSize: Int
    /// QoS of the collector's subscriptions. 1 (default): the broker keeps messages for a restarting collector.
    /// 0 saves a PUBACK per message on both sides; messages in flight when the collector dies are then lost on
    /// this hop, and agents resend them after `queue.resendAfterSeconds` (nothing acknowledged is lost either way).
    public var subscriptionQoS: Int

    public init(host: String = "127.0.0.1", port: Int = 1883, clientID: String? = nil, username: String? = nil, passwordFile: String? = nil,
                caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, keepAliveSeconds: Int = 30,
                sharedGroup: String = "edge-collector", persistentSession: Bool = true, messageBufferSize: Int = 65_536,
                subscriptionQoS: Int = 1) {
        self.connection = MQTTBrokerSettings(host: host, port: port, username: username, passwordFile: passwordFile, caFile: caFile,
                                             certFile: certFile, keyFile: keyFile, keepAliveSeconds: keepAliveSeconds)
        self.clientID = clientID
        self.sharedGroup = sharedGroup
        self.persistentSession = persistentSession
        self.messageBufferSize = messageBufferSize
        self.subscriptionQoS = subscriptionQoS
    }

    /// The collector's own keys; the object's keys are these and ``MQTTBrokerSettings/Key``.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case clientID, sharedGroup, persistentSession, messageBufferSize, subscriptionQoS
    }

    /// Every key of the `broker` object.
    static let keys = Set(MQTTBrokerSettings.Key.allCases.map(\.stringValue) + CodingKeys.allCases.map(\.stringValue))

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowing: Self.keys)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BrokerConfiguration()
        connection = try MQTTBrokerSettings(from: decoder, defaultHost: d.host)
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        sharedGroup = try c.decodeIfPresent(String.self, forKey: .sharedGroup) ?? d.sharedGroup
        persistentSession = try c.decodeIfPresent(Bool.self, forKey: .persistentSession) ?? d.persistentSession
        messageBufferSize = try c.decodeIfPresent(Int.self, forKey: .messageBufferSize) ?? d.messageBufferSize
        subscriptionQoS = try c.decodeIfPresent(Int.self, forKey: .subscriptionQoS) ?? d.subscriptionQoS
    }

    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(clientID, forKey: .clientID)
        try c.encode(sharedGroup, forKey: .sharedGroup)
        try c.encode(persistentSession, forKey: .persistentSession)
        try c.encode(messageBufferSize, forKey: .messageBufferSize)
        try c.encode(subscriptionQoS, forKey: .subscriptionQoS)
    }

    /// The client ID to use: the configured one, or one derived from the host name.
    public var effectiveClientID: String {
        if let clientID, !clientID.isEmpty { return clientID }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "edge-collector-\(host)"
    }
}
