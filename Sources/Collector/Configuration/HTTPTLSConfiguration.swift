import FleetSupport

/// HTTPS for the API and dashboard: PEM files of the server's certificate chain and private key
/// (e.g. from `edgectl pki issue --server HOST`). With it the session cookie is `Secure`.
public struct HTTPTLSConfiguration: Codable, Sendable, Equatable {
    /// The certificate (chain) in PEM, leaf first.
    public var certificate: String
    /// The private key in PEM; keep it 0600.
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case certificate, key }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        certificate = try c.decode(String.self, forKey: .certificate)
        key = try c.decode(String.self, forKey: .key)
    }
}
