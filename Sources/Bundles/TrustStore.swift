/// A device's trust state: the pinned root and the newest trust file it accepted.
public struct TrustStore: Sendable {
    /// The root whose signature the next trust file needs; it moves only through a signed rotation.
    public private(set) var pinnedRoot: VerifyingKey
    /// The newest accepted trust file, nil until the first one.
    public private(set) var current: TrustFile?

    /// A store that trusts only `pinnedRoot` and has seen no trust file yet.
    public init(pinnedRoot: VerifyingKey) {
        self.pinnedRoot = pinnedRoot
    }

    /// The version of the current trust file, 0 before the first.
    public var currentVersion: UInt64 { current?.document.version ?? 0 }

    /// Accepts a newer trust file signed by the pinned root; a new root must sign it as well, and becomes pinned.
    ///
    /// With a known `time`, a file that has already expired is refused (a freeze attack replays an old, validly
    /// signed file); the store then keeps the newer one it has.
    public mutating func accept(_ file: TrustFile, at time: VerificationTime? = nil) throws(BundleError) {
        let document = file.document
        if case .known(let now) = time, document.isExpired(at: now) {
            throw BundleError(.trustExpired,
                "trust file version \(document.version) expired at \(document.expiresAt ?? 0), before now (\(now)); ask for a fresh one (edgectl keys refresh)")
        }
        if let current {
            if document.version == current.document.version && file.documentBytes == current.documentBytes { return }
            guard document.version > current.document.version else {
                throw BundleError(.trustRollback,
                    "trust file version \(document.version) is not newer than the accepted version \(current.document.version)")
            }
        }
        guard file.isSigned(by: pinnedRoot) else {
            throw BundleError(.untrustedTrustFile,
                "trust file version \(document.version) is not signed by the pinned root \(pinnedRoot.keyID); " +
                "after a root rotation, apply the intermediate trust files in order")
        }
        if document.root.keyID != pinnedRoot.keyID {
            // A rotation: the old root vouches for the new one, and the new one proves it holds its private key.
            guard file.isSigned(by: document.root.publicKey) else {
                throw BundleError(.untrustedTrustFile,
                    "trust file version \(document.version) rotates the root to \(document.root.keyID) but that key did not sign it")
            }
            pinnedRoot = document.root.publicKey
        }
        current = file
    }

    /// Accepts trust files in order of version, skipping ones already superseded.
    public mutating func accept(chain: [TrustFile], at time: VerificationTime? = nil) throws(BundleError) {
        for file in chain.sorted(by: { $0.document.version < $1.document.version }) where file.document.version > currentVersion {
            try accept(file, at: time)
        }
    }
}
