/// The signed body of a trust file: which root speaks and which release keys it vouches for.
public struct TrustDocument: Codable, Sendable, Equatable {
    /// Always `edgefleet-trust`, so a document signed for another purpose cannot pass as one.
    public var type: String
    public var formatVersion: Int
    /// Increases with every issued trust file; devices refuse a lower one.
    public var version: UInt64
    /// Seconds since 1970 UTC; a clock-less device uses it as a lower bound for the time.
    public var issuedAt: Int64
    /// The root that signs this file and the next one.
    public var root: RootKey
    public var releaseKeys: [ReleaseKey]
    /// Distinct valid release-key signatures a bundle needs.
    public var threshold: Int
    /// Seconds since 1970 UTC after which the file no longer vouches for anything (nil: never expires, the format
    /// before expiry existed). Defeats a freeze attack: a device with a clock refuses an expired file, and refuses
    /// new bundles while its newest trust file has expired, so replaying an old file cannot hide a revocation.
    public var expiresAt: Int64?

    public static let documentType = "edgefleet-trust"
    public static let currentFormatVersion = 1

    public init(version: UInt64, issuedAt: Int64, root: RootKey, releaseKeys: [ReleaseKey], threshold: Int = 1, expiresAt: Int64? = nil) {
        type = Self.documentType
        formatVersion = Self.currentFormatVersion
        self.version = version
        self.issuedAt = issuedAt
        self.root = root
        self.releaseKeys = releaseKeys
        self.threshold = threshold
        self.expiresAt = expiresAt
    }

    /// Whether the file has expired at `time` (seconds since 1970 UTC).
    public func isExpired(at time: Int64) -> Bool { expiresAt.map { time >= $0 } ?? false }

    /// The release key with this ID, if listed.
    public func releaseKey(_ keyID: KeyID) -> ReleaseKey? { releaseKeys.first { $0.keyID == keyID } }

    /// Release keys that are neither revoked nor expired at `time`.
    public func activeReleaseKeys(at time: Int64) -> [ReleaseKey] {
        releaseKeys.filter { !$0.isRevoked && !$0.isExpired(at: time) }
    }

    /// Refuses documents no honest `keys` command produces.
    public func validate() throws(BundleError) {
        func fail(_ reason: String) -> BundleError { BundleError(.untrustedTrustFile, "trust file: \(reason)") }
        guard type == Self.documentType else { throw fail("type is '\(type)', not '\(Self.documentType)'") }
        guard formatVersion == Self.currentFormatVersion else { throw fail("format version \(formatVersion) is not supported") }
        guard version >= 1 else { throw fail("version must be at least 1") }
        guard root.keyID == root.publicKey.keyID else { throw fail("root key ID does not match its public key") }
        var seen = Set<KeyID>()
        for key in releaseKeys {
            guard key.keyID == key.publicKey.keyID else { throw fail("release key \(key.keyID) does not match its public key") }
            guard key.keyID != root.keyID else { throw fail("the root key cannot also be a release key") }
            guard seen.insert(key.keyID).inserted else { throw fail("release key \(key.keyID) is listed twice") }
            guard key.expiresAt > key.createdAt else { throw fail("release key \(key.keyID) expires before it is created") }
        }
        if let expiresAt, expiresAt <= issuedAt { throw fail("expires at \(expiresAt), not after it was issued (\(issuedAt))") }
        guard threshold >= 1, threshold <= max(1, releaseKeys.count) else {
            throw fail("threshold \(threshold) must be between 1 and the number of release keys")
        }
    }
}
