import Crypto

/// An Ed25519 private key that signs bundles (release key) or trust files (root key).
public struct SigningKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// A fresh key from the system's secure random source.
    public static func generate() -> SigningKey { SigningKey(key: .init()) }

    private init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// Restores a key from its 32-byte raw seed.
    public init(rawRepresentation: [UInt8]) throws(BundleError) {
        guard rawRepresentation.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation) else {
            throw BundleError(.keyFile, "an Ed25519 private key is 32 raw bytes, got \(rawRepresentation.count)")
        }
        self.key = key
    }

    /// The 32-byte raw seed, for writing a key file.
    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    /// The matching public key.
    public var publicKey: VerifyingKey { VerifyingKey(key.publicKey) }

    /// The key ID of the public key.
    public var keyID: KeyID { publicKey.keyID }

    /// An Ed25519 signature (64 bytes) over `message`.
    public func signature(for message: [UInt8]) throws(BundleError) -> [UInt8] {
        do { return Array(try key.signature(for: message)) } catch {
            throw BundleError(.keyFile, "signing with key \(keyID) failed: \(error)")
        }
    }
}
