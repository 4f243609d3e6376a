/// Where the MQTT broker is and how to log in.
public struct BrokerSettings: Codable, Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    /// A file holding the password (first line), so the password stays out of the configuration file.
    public var passwordFile: String?
    /// CA certificate to verify the broker with; enables TLS.
    public var caFile: String?
    /// Client certificate and key for mutual TLS.
    public var certFile: String?
    public var keyFile: String?
    public var keepAliveSeconds: Int
    /// First and longest delay between connection attempts.
    public var reconnectMinimumSeconds: Double
    public var reconnectMaximumSeconds: Double

    public init(host: String, port: Int = 1883, username: String? = nil, passwordFile: String? = nil, caFile: String? = nil,
                certFile: String? = nil, keyFile: String? = nil, keepAliveSeconds: Int = 30,
                reconnectMinimumSeconds: Double = 0.5, reconnectMaximumSeconds: Double = 60) {
        self.host = host
        self.port = port
        self.username = username
        self.passwordFile = passwordFile
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.keepAliveSeconds = keepAliveSeconds
        self.reconnectMinimumSeconds = reconnectMinimumSeconds
        self.reconnectMaximumSeconds = reconnectMaximumSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, username, passwordFile, caFile, certFile, keyFile, keepAliveSeconds
        case reconnectMinimumSeconds, reconnectMaximumSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.rejectUnknownKeys(CodingKeys.self, decoder: decoder)
        let defaults = BrokerSettings(host: "")
        host = try c.decode(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try c.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
        keepAliveSeconds = try c.decodeIfPresent(Int.self, forKey: .keepAliveSeconds) ?? defaults.keepAliveSeconds
        reconnectMinimumSeconds = try c.decodeIfPresent(Double.self, forKey: .reconnectMinimumSeconds) ?? defaults.reconnectMinimumSeconds
        reconnectMaximumSeconds = try c.decodeIfPresent(Double.self, forKey: .reconnectMaximumSeconds) ?? defaults.reconnectMaximumSeconds
    }
}
