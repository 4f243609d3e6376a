import FleetSupport

/// Where an MQTT broker is and how to log in: the keys the agent's `broker` and the collector's `broker`
/// configuration objects share (host, port, username, passwordFile, caFile, certFile, keyFile, keepAliveSeconds).
///
/// Each owner keeps its own extra keys, its defaults and its flat JSON object: it decodes these keys with
/// ``init(from:defaultHost:)`` from the same decoder, rejects unknown keys knowing all of them, and turns the
/// settings into an ``MQTTConfiguration`` with ``makeConfiguration(clientID:password:)``.
public struct MQTTBrokerSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    /// A file whose first line is the password, so the password stays out of the configuration file.
    public var passwordFile: String?
    /// CA certificate to verify the broker with; enables TLS.
    public var caFile: String?
    /// Client certificate and key for mutual TLS.
    public var certFile: String?
    public var keyFile: String?
    public var keepAliveSeconds: Int

    public init(host: String, port: Int = 1883, username: String? = nil, passwordFile: String? = nil, caFile: String? = nil,
                certFile: String? = nil, keyFile: String? = nil, keepAliveSeconds: Int = 30) {
        self.host = host
        self.port = port
        self.username = username
        self.passwordFile = passwordFile
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.keepAliveSeconds = keepAliveSeconds
    }

    /// The shared keys, spelt as in the configuration files.
    public enum Key: String, CodingKey, CaseIterable, Sendable {
        case host, port, username, passwordFile, caFile, certFile, keyFile, keepAliveSeconds
    }

    /// Decodes the shared keys of a flat object; absent keys take the defaults of ``init(host:port:username:passwordFile:caFile:certFile:keyFile:keepAliveSeconds:)``.
    ///
    /// `defaultHost` nil makes `host` required (a missing one throws `DecodingError.keyNotFound`). Unknown keys
    /// are the caller's to reject: only it knows its own extra keys.
    public init(from decoder: any Decoder, defaultHost: String?) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let defaults = MQTTBrokerSettings(host: defaultHost ?? "")
        if let defaultHost {
            host = try c.decodeIfPresent(String.self, forKey: .host) ?? defaultHost
        } else {
            host = try c.decode(String.self, forKey: .host)
        }
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try c.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
        keepAliveSeconds = try c.decodeIfPresent(Int.self, forKey: .keepAliveSeconds) ?? defaults.keepAliveSeconds
    }

    /// Encodes the shared keys into the owner's flat object (absent optionals are left out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(host, forKey: .host)
        try c.encode(port, forKey: .port)
        try c.encodeIfPresent(username, forKey: .username)
        try c.encodeIfPresent(passwordFile, forKey: .passwordFile)
        try c.encodeIfPresent(caFile, forKey: .caFile)
        try c.encodeIfPresent(certFile, forKey: .certFile)
        try c.encodeIfPresent(keyFile, forKey: .keyFile)
        try c.encode(keepAliveSeconds, forKey: .keepAliveSeconds)
    }

    /// The password: the first line of ``passwordFile``, or nil when there is none.
    public func readPassword() throws(FileError) -> String? {
        guard let path = passwordFile else { return nil }
        guard let bytes = try DurableFiles.read(path, regularOnly: true) else { throw DurableFiles.missing(path) }
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// A client configuration for these settings: host, port, keep-alive, login and TLS (on when ``caFile`` is set).
    ///
    /// The owner sets the rest (session, will, backoff, buffer). `password` is the one ``readPassword()`` gave;
    /// it is passed in so each owner reports an unreadable file in its own words.
    public func makeConfiguration(clientID: String, password: String?) -> MQTTConfiguration {
        var configuration = MQTTConfiguration(host: host, port: port, clientID: clientID)
        configuration.keepAlive = .seconds(keepAliveSeconds)
        configuration.username = username
        configuration.password = password
        if let caFile { configuration.tls = .init(caFile: caFile, certFile: certFile, keyFile: keyFile) }
        return configuration
    }

    /// ``makeConfiguration(clientID:password:)`` with the password read from ``passwordFile``.
    public func makeConfiguration(clientID: String) throws(FileError) -> MQTTConfiguration {
        makeConfiguration(clientID: clientID, password: try readPassword())
    }
}
