import Foundation

/// How the collector reaches the MQTT broker.
public struct BrokerConfiguration: Codable, Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Unique per broker; replicas need distinct IDs. Default: `edge-collector-<hostname>`.
    public var clientID: String?
    public var username: String?
    /// A file whose first line is the password, so it stays out of the configuration.
    public var passwordFile: String?
    /// CA certificate that enables TLS; client certificate and key for mutual TLS.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var keepAliveSeconds: Int
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
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.passwordFile = passwordFile
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.keepAliveSeconds = keepAliveSeconds
        self.sharedGroup = sharedGroup
        self.persistentSession = persistentSession
        self.messageBufferSize = messageBufferSize
        self.subscriptionQoS = subscriptionQoS
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, clientID, username, passwordFile, caFile, certFile, keyFile, keepAliveSeconds, sharedGroup, persistentSession
        case messageBufferSize, subscriptionQoS
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BrokerConfiguration()
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? d.host
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try c.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
        keepAliveSeconds = try c.decodeIfPresent(Int.self, forKey: .keepAliveSeconds) ?? d.keepAliveSeconds
        sharedGroup = try c.decodeIfPresent(String.self, forKey: .sharedGroup) ?? d.sharedGroup
        persistentSession = try c.decodeIfPresent(Bool.self, forKey: .persistentSession) ?? d.persistentSession
        messageBufferSize = try c.decodeIfPresent(Int.self, forKey: .messageBufferSize) ?? d.messageBufferSize
        subscriptionQoS = try c.decodeIfPresent(Int.self, forKey: .subscriptionQoS) ?? d.subscriptionQoS
    }

    /// The client ID to use: the configured one, or one derived from the host name.
    public var effectiveClientID: String {
        if let clientID, !clientID.isEmpty { return clientID }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "edge-collector-\(host)"
    }
}
