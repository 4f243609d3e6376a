import FleetSupport

/// The HTTP API and dashboard listener.
public struct HTTPConfiguration: Codable, Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Tokens given here; when empty, tokens are read from (or generated into) `<stateDirectory>/tokens.json`.
    public var tokens: [APIToken]
    /// A JSON file with an array of tokens, instead of listing them here.
    public var tokenFile: String?
    /// The largest bundle upload accepted.
    public var maximumUploadBytes: Int
    /// When false, the dashboard pages are served without a token (the JSON API always needs one).
    public var dashboardRequiresToken: Bool
    /// When true, `/metrics` needs a token too.
    public var metricsRequiresToken: Bool
    /// Serve HTTPS instead of HTTP (nil: plain HTTP, for a loopback or a TLS-terminating proxy).
    public var tls: HTTPTLSConfiguration?
    /// Failed authentications from one address within `failedAuthenticationWindowSeconds` before it gets 429.
    public var failedAuthenticationLimit: Int
    public var failedAuthenticationWindowSeconds: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, tokens: [APIToken] = [], tokenFile: String? = nil,
                maximumUploadBytes: Int = 256 << 20, dashboardRequiresToken: Bool = true, metricsRequiresToken: Bool = false,
                tls: HTTPTLSConfiguration? = nil, failedAuthenticationLimit: Int = 10, failedAuthenticationWindowSeconds: Int = 60) {
        self.host = host
        self.port = port
        self.tokens = tokens
        self.tokenFile = tokenFile
        self.maximumUploadBytes = maximumUploadBytes
        self.dashboardRequiresToken = dashboardRequiresToken
        self.metricsRequiresToken = metricsRequiresToken
        self.tls = tls
        self.failedAuthenticationLimit = failedAuthenticationLimit
        self.failedAuthenticationWindowSeconds = failedAuthenticationWindowSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, tokens, tokenFile, maximumUploadBytes, dashboardRequiresToken, metricsRequiresToken
        case tls, failedAuthenticationLimit, failedAuthenticationWindowSeconds
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = HTTPConfiguration()
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? d.host
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
        tokens = try c.decodeIfPresent([APIToken].self, forKey: .tokens) ?? []
        tokenFile = try c.decodeIfPresent(String.self, forKey: .tokenFile)
        maximumUploadBytes = try c.decodeIfPresent(Int.self, forKey: .maximumUploadBytes) ?? d.maximumUploadBytes
        dashboardRequiresToken = try c.decodeIfPresent(Bool.self, forKey: .dashboardRequiresToken) ?? d.dashboardRequiresToken
        metricsRequiresToken = try c.decodeIfPresent(Bool.self, forKey: .metricsRequiresToken) ?? d.metricsRequiresToken
        tls = try c.decodeIfPresent(HTTPTLSConfiguration.self, forKey: .tls)
        failedAuthenticationLimit = try c.decodeIfPresent(Int.self, forKey: .failedAuthenticationLimit) ?? d.failedAuthenticationLimit
        failedAuthenticationWindowSeconds = try c.decodeIfPresent(Int.self, forKey: .failedAuthenticationWindowSeconds)
            ?? d.failedAuthenticationWindowSeconds
    }
}
