/// One Ed25519 signature over a bundle's manifest, naming its key.
public struct BundleSignature: Sendable, Equatable {
    /// 32-byte key ID followed by a 64-byte signature.
    public static let encodedLength = KeyID.byteCount + 64

    public let keyID: KeyID
    public let signature: [UInt8]

    public init(keyID: KeyID, signature: [UInt8]) {
        self.keyID = keyID
        self.signature = signature
    }
}
