/// A key the root authorises to sign bundles, until it expires or is revoked.
public struct ReleaseKey: Codable, Sendable, Equatable {
    public var keyID: KeyID
    public var publicKey: VerifyingKey
    /// A label for people, e.g. `release-2025q3`.
    public var name: String
    public var createdAt: Int64
    /// Signatures by this key are refused at and after this time (seconds since 1970 UTC).
    public var expiresAt: Int64
    /// Set once the key is revoked; signatures by it are refused whatever their time.
    public var revokedAt: Int64?
    public var revocationReason: String?

    public init(publicKey: VerifyingKey, name: String, createdAt: Int64, expiresAt: Int64) {
        keyID = publicKey.keyID
        self.publicKey = publicKey
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// Whether the key has expired at `time` (seconds since 1970 UTC).
    public func isExpired(at time: Int64) -> Bool { time >= expiresAt }
}
