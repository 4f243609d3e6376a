/// Where the collector finds the trust root that bundles must verify against.
public struct TrustSettings: Codable, Sendable, Equatable {
    /// The pinned root public key (`root.pub` of `edgectl keys init`).
    public var rootPublicKey: String?
    /// Trust files to accept in order, oldest first (usually just `trust.json`).
    public var trustFiles: [String]

    public init(rootPublicKey: String? = nil, trustFiles: [String] = []) {
        self.rootPublicKey = rootPublicKey
        self.trustFiles = trustFiles
    }
}
