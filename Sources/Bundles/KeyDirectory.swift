/// The operator's key directory: root and release key files plus every trust file issued (see docs/trust-chain.md).
public struct KeyDirectory: Sendable {
    /// The directory holding keys and trust files.
    public let path: String

    public init(path: String) { self.path = path }

    public var rootKeyPath: String { "\(path)/root.key" }
    public var rootPublicKeyPath: String { "\(path)/root.pub" }
    public var trustPath: String { "\(path)/trust.json" }
    public var historyPath: String { "\(path)/trust" }
    public var retiredPath: String { "\(path)/retired" }

    public func releaseKeyPath(_ keyID: KeyID) -> String { "\(path)/release-\(keyID.short).key" }
    public func releasePublicKeyPath(_ keyID: KeyID) -> String { "\(path)/release-\(keyID.short).pub" }
    public func historyPath(version: UInt64) -> String { "\(historyPath)/v\(version).json" }

    /// Creates a root key, a first release key valid for `releaseValidity` seconds and trust file version 1.
    ///
    /// With `trustValidity`, each trust file expires that many seconds after it is issued (every later version
    /// keeps the same validity): `refresh` must re-issue it in time (docs/security.md).
    public static func initialize(at path: String, now: Int64, releaseValidity: Int64,
                                  releaseName: String = "release-1", trustValidity: Int64? = nil) throws(BundleError) -> KeyDirectory {
        let directory = KeyDirectory(path: path)
        guard !FileIO.exists(directory.rootKeyPath), !FileIO.exists(directory.trustPath) else {
            throw BundleError(.keyFile, "\(path) already holds keys; use `keys rotate` or choose another directory")
        }
        try FileIO.createDirectory(path, mode: 0o700)
        try FileIO.createDirectory(directory.historyPath)
        let root = SigningKey.generate()
        let release = SigningKey.generate()
        try directory.saveRelease(release)
        let document = TrustDocument(version: 1, issuedAt: now, root: RootKey(publicKey: root.publicKey),
            releaseKeys: [ReleaseKey(publicKey: release.publicKey, name: releaseName, createdAt: now, expiresAt: now + releaseValidity)],
            expiresAt: trustValidity.map { now + $0 })
        try directory.publish(try TrustFile.issue(document, signers: [root]))
        try root.save(directory.rootKeyPath)
        try FileIO.writeAtomically(directory.rootPublicKeyPath, root.publicKey.fileContents)
        return directory
    }

    /// The current trust file.
    public func trustFile() throws(BundleError) -> TrustFile { try TrustFile.load(trustPath) }

    /// Every issued trust file, oldest first: the chain a device pinned to an earlier root needs.
    public func trustHistory() throws(BundleError) -> [TrustFile] {
        var files: [TrustFile] = []
        for name in try FileIO.list(historyPath) where name.hasPrefix("v") && name.hasSuffix(".json") {
            files.append(try TrustFile.load("\(historyPath)/\(name)"))
        }
        return files.sorted { $0.document.version < $1.document.version }
    }

    /// The root public key devices pin.
    public func rootPublicKey() throws(BundleError) -> VerifyingKey {
        try VerifyingKey(fileContents: try FileIO.read(rootPublicKeyPath))
    }

    /// Adds a new release key valid for `validity` seconds; earlier keys stay valid until they expire.
    public func rotateRelease(now: Int64, validity: Int64, name: String? = nil, rootKey: String? = nil) throws(BundleError) -> ReleaseKey {
        let (current, root) = try currentAndRoot(rootKey)
        let release = SigningKey.generate()
        var document = current.document
        let entry = ReleaseKey(publicKey: release.publicKey, name: name ?? "release-\(document.releaseKeys.count + 1)",
                               createdAt: now, expiresAt: now + validity)
        document.releaseKeys.append(entry)
        try saveRelease(release)
        try publish(try TrustFile.issue(next(document, now: now), signers: [root]))
        return entry
    }

    /// Replaces the root: the new trust file is signed by the old root (which devices pin) and by the new one.
    public func rotateRoot(now: Int64, rootKey: String? = nil) throws(BundleError) -> RootKey {
        let (current, oldRoot) = try currentAndRoot(rootKey)
        let newRoot = SigningKey.generate()
        var document = current.document
        document.root = RootKey(publicKey: newRoot.publicKey)
        try publish(try TrustFile.issue(next(document, now: now), signers: [oldRoot, newRoot]))
        try FileIO.createDirectory(retiredPath, mode: 0o700)
        let retired = "\(retiredPath)/root-\(oldRoot.keyID.short)"
        if FileIO.exists(rootKeyPath) { try FileIO.move(rootKeyPath, to: "\(retired).key") }
        if FileIO.exists(rootPublicKeyPath) { try FileIO.move(rootPublicKeyPath, to: "\(retired).pub") }
        try newRoot.save(rootKeyPath)
        try FileIO.writeAtomically(rootPublicKeyPath, newRoot.publicKey.fileContents)
        return document.root
    }

    /// Marks the release key whose ID starts with `keyIDPrefix` (or whose name equals it) revoked, in a new trust version.
    public func revoke(_ keyIDPrefix: String, now: Int64, reason: String? = nil, rootKey: String? = nil) throws(BundleError) -> ReleaseKey {
        let (current, root) = try currentAndRoot(rootKey)
        var document = current.document
        let prefix = keyIDPrefix.lowercased()
        let matches = document.releaseKeys.indices.filter {
            document.releaseKeys[$0].name == keyIDPrefix || (!prefix.isEmpty && document.releaseKeys[$0].keyID.hex.hasPrefix(prefix))
        }
        guard matches.count == 1, let index = matches.first else {
            throw BundleError(.invalidInput, matches.isEmpty
                ? "no release key matches '\(keyIDPrefix)'"
                : "'\(keyIDPrefix)' matches \(matches.count) release keys; give more digits of the key ID")
        }
        guard !document.releaseKeys[index].isRevoked else {
            throw BundleError(.invalidInput, "release key \(document.releaseKeys[index].keyID) is already revoked")
        }
        document.releaseKeys[index].revokedAt = now
        document.releaseKeys[index].revocationReason = reason
        try publish(try TrustFile.issue(next(document, now: now), signers: [root]))
        return document.releaseKeys[index]
    }

    /// The newest release key that is active at `now` and whose private key file is here.
    public func signingKey(now: Int64) throws(BundleError) -> SigningKey {
        let document = try trustFile().document
        for key in document.activeReleaseKeys(at: now).sorted(by: { $0.createdAt > $1.createdAt }) where FileIO.exists(releaseKeyPath(key.keyID)) {
            return try SigningKey.load(releaseKeyPath(key.keyID))
        }
        throw BundleError(.keyFile, "\(path) holds no release key that is active now; run `edgectl keys rotate --dir \(path)`")
    }

    private func currentAndRoot(_ rootKey: String?) throws(BundleError) -> (TrustFile, SigningKey) {
        let current = try trustFile()
        let root = try SigningKey.load(rootKey ?? rootKeyPath)
        guard root.keyID == current.document.root.keyID, current.isSigned(by: root.publicKey) else {
            throw BundleError(.keyFile, "root key \(root.keyID) is not the root of trust file version \(current.document.version) (\(current.document.root.keyID))")
        }
        return (current, root)
    }

    /// The next version of `document`, issued `now`; an expiring file keeps its validity (`validity` replaces it).
    private func next(_ document: TrustDocument, now: Int64, validity: Int64? = nil) -> TrustDocument {
        var next = document
        next.version = document.version + 1
        next.issuedAt = now
        if let validity {
            next.expiresAt = now + validity
        } else if let expiresAt = document.expiresAt {
            next.expiresAt = now + max(1, expiresAt - document.issuedAt)
        }
        return next
    }

    /// Re-issues the current keys in a new trust-file version with a fresh expiry (`validity` seconds, or the
    /// file's current validity): what the operator runs, and the collector pushes, before `expiresAt` passes.
    public func refresh(now: Int64, validity: Int64? = nil, rootKey: String? = nil) throws(BundleError) -> TrustDocument {
        let (current, root) = try currentAndRoot(rootKey)
        let document = next(current.document, now: now, validity: validity)
        try publish(try TrustFile.issue(document, signers: [root]))
        return document
    }

    private func saveRelease(_ key: SigningKey) throws(BundleError) {
        try key.save(releaseKeyPath(key.keyID))
        try FileIO.writeAtomically(releasePublicKeyPath(key.keyID), key.publicKey.fileContents)
    }

    /// Keeps the version in the history (never overwritten), then points trust.json at it.
    private func publish(_ file: TrustFile) throws(BundleError) {
        let bytes = try file.encoded()
        try FileIO.createDirectory(historyPath)
        try FileIO.createExclusively(historyPath(version: file.document.version), bytes, mode: 0o644)
        try FileIO.writeAtomically(trustPath, bytes)
    }
}
