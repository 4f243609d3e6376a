import Crypto

/// An Ed25519 public key: a pinned root or a release key listed in a trust file.
public struct VerifyingKey: Sendable, Hashable {
    private let key: Curve25519.Signing.PublicKey

    /// The 32 raw public-key bytes.
    public let rawRepresentation: [UInt8]

    /// The SHA-256 of the raw key.
    public let keyID: KeyID

    init(_ key: Curve25519.Signing.PublicKey) {
        self.key = key
        rawRepresentation = Array(key.rawRepresentation)
        keyID = KeyID(publicKeyBytes: rawRepresentation)
    }

    /// Restores a public key from its 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws(BundleError) {
        guard rawRepresentation.count == 32, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation) else {
            throw BundleError(.keyFile, "an Ed25519 public key is 32 raw bytes, got \(rawRepresentation.count)")
        }
        self.init(key)
    }

    /// Whether `signature` is this key's Ed25519 signature over `message`.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        return key.isValidSignature(Array(signature), for: message)
    }

    public static func == (lhs: VerifyingKey, rhs: VerifyingKey) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}
