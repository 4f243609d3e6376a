import Crypto
import Foundation

/// A bearer token of the HTTP API: who holds it and what it may do.
///
/// The secret is configured either in clear (`token`, as generated into `<stateDirectory>/tokens.json`) or, better,
/// as the hex SHA-256 of the secret (`sha256`, from `edge-collector hash-token` or `edgectl token hash`), so a leaked
/// configuration does not leak a usable token. Either way only the digest is compared.
public struct APIToken: Codable, Sendable, Equatable {
    /// Recorded as `createdBy` of what the token's holder registers, and as the actor of the audit log.
    public var name: String
    public var role: TokenRole
    /// The secret in clear; empty when only its digest is configured.
    public var token: String
    /// Lowercase hex SHA-256 of the secret, when configured hashed.
    public var sha256: String?

    public init(name: String, role: TokenRole, token: String) {
        self.name = name
        self.role = role
        self.token = token
        self.sha256 = nil
    }

    /// A token known only by the SHA-256 of its secret.
    public init(name: String, role: TokenRole, sha256: String) {
        self.name = name
        self.role = role
        self.token = ""
        self.sha256 = sha256.lowercased()
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, role, token, sha256 }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        role = try c.decode(TokenRole.self, forKey: .role)
        token = try c.decodeIfPresent(String.self, forKey: .token) ?? ""
        sha256 = try c.decodeIfPresent(String.self, forKey: .sha256)?.lowercased()
        if token.isEmpty == (sha256 == nil) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "the token '\(name)' needs exactly one of 'token' (the secret) or 'sha256' (its hex SHA-256)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(role, forKey: .role)
        if let sha256 { try c.encode(sha256, forKey: .sha256) } else { try c.encode(token, forKey: .token) }
    }

    /// The 32-byte digest presented secrets are compared with (nil when `sha256` is not 64 hex digits).
    public var digest: [UInt8]? {
        guard let sha256 else { return Self.hash(token) }
        return Self.bytes(hex: sha256)
    }

    /// SHA-256 of a secret.
    public static func hash(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Array(secret.utf8))) }

    /// The lowercase hex SHA-256 of a secret: the value of `sha256` in a configuration.
    public static func hexHash(_ secret: String) -> String {
        hash(secret).map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 48...57: digit - 48
        case 97...102: digit - 87
        default: nil
        }
    }
}
