/// The offline key that signs trust files; devices pin its public key.
public struct RootKey: Codable, Sendable, Equatable {
    public var keyID: KeyID
    public var publicKey: VerifyingKey

    public init(publicKey: VerifyingKey) {
        keyID = publicKey.keyID
        self.publicKey = publicKey
    }
}
