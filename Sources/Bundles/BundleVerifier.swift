/// The acceptance policy a device applies before it runs anything: trust, integrity, anti-rollback, fit.
public struct BundleVerifier: Sendable {
    /// The device's trust state; its current trust file lists the release keys.
    public var trust: TrustStore
    /// Key expiry is judged at this time; without a clock only a newer trust file admits new bundles.
    public var time: VerificationTime
    /// The committed anti-rollback floor: only release counters above it are accepted.
    public var floor: UInt64
    /// When set, requirements must fit this board and the model's operators must be implemented.
    public var profile: FirmwareProfile?
    /// When true (new bundles on a device), a trust file that has expired at a known `time` vouches for nothing.
    /// Re-verifying an installed bundle leaves it false, so an expired file never stops a device serving its model.
    public var requiresUnexpiredTrust: Bool = false

    public init(trust: TrustStore, time: VerificationTime, floor: UInt64 = 0, profile: FirmwareProfile? = nil) {
        self.trust = trust
        self.time = time
        self.floor = floor
        self.profile = profile
    }

    /// Parses and verifies bundle bytes; throws the first reason to refuse.
    public func verify(_ bytes: [UInt8]) throws(BundleError) -> VerifiedBundle {
        try verify(try BundleFile(parsing: bytes))
    }

    /// Verifies a parsed bundle, cheapest checks first so a damaged bundle costs little.
    public func verify(_ file: BundleFile) throws(BundleError) -> VerifiedBundle {
        guard let trustFile = trust.current else {
            throw BundleError(.untrustedTrustFile, "no trust file has been accepted yet; install one signed by the pinned root")
        }
        let document = trustFile.document
        if requiresUnexpiredTrust, case .known(let now) = time, document.isExpired(at: now) {
            throw BundleError(.trustExpired,
                "the trust file (version \(document.version)) expired at \(document.expiresAt ?? 0); new bundles need a fresh trust file first")
        }
        let signers = try checkSignatures(file, document: document)
        let manifest = try BundleManifest.decode(file.manifestBytes)

        guard manifest.baseline.matches(file.baselineBytes) else {
            throw BundleError(.tamperedSection, "the drift baseline does not match the manifest's length and SHA-256")
        }
        guard manifest.golden.matches(file.goldenBytes) else {
            throw BundleError(.tamperedSection, "the golden cases do not match the manifest's length and SHA-256")
        }
        let payload = manifest.payload
        guard file.compressedPayload.count == payload.compressedLength else {
            throw BundleError(.tamperedPayload,
                "compressed payload has \(file.compressedPayload.count) bytes, the manifest says \(payload.compressedLength)")
        }
        guard Digest.sha256Hex(file.compressedPayload) == payload.compressedSHA256 else {
            throw BundleError(.tamperedPayload, "compressed payload SHA-256 differs from the manifest")
        }
        guard manifest.releaseCounter > floor else {
            throw BundleError(.rollback,
                "release counter \(manifest.releaseCounter) of \(manifest.name) \(manifest.version) is not above the device's floor \(floor)")
        }
        if let profile {
            let supported = ModelAnalyzer.supportedOperators
            let fit = ProfileFit(requirements: manifest.requirements, payloadLength: payload.length,
                                 unsupportedOperators: manifest.requirements.operators.filter { !supported.contains($0) },
                                 profile: profile)
            if let problem = fit.problems.first { throw problem }
        }
        let modelBytes = try Zlib.inflate(Array(file.compressedPayload), expectedLength: payload.length)
        guard Digest.sha256Hex(modelBytes) == payload.sha256 else {
            throw BundleError(.tamperedPayload, "inflated model SHA-256 differs from the manifest")
        }
        if profile != nil {
            // The declared operators were checked above; the model itself must not use more than it declares.
            let unsupported = try ModelAnalyzer.unsupportedOperators(in: modelBytes)
            if !unsupported.isEmpty {
                throw BundleError(.unsupportedOperator,
                    "the model uses operator\(unsupported.count == 1 ? "" : "s") \(unsupported.joined(separator: ", ")) that this runtime does not implement")
            }
        }
        let baseline = try DriftBaseline.decode(file.baselineBytes)
        let golden = try GoldenSet.decode(file.goldenBytes, inputs: manifest.inputs, outputs: manifest.outputs)
        return VerifiedBundle(manifest: manifest, modelBytes: modelBytes, baseline: baseline, golden: golden,
                              signers: signers, manifestSHA256: Digest.sha256Hex(file.manifestBytes))
    }

    /// Every signature must verify with a listed release key; enough of them must be valid at the verification time.
    private func checkSignatures(_ file: BundleFile, document: TrustDocument) throws(BundleError) -> [KeyID] {
        guard !file.signatures.isEmpty else {
            throw BundleError(.missingSignature, "the bundle is not signed; run `edgectl bundle sign` with a release key")
        }
        let message = BundleFormat.signedMessage(manifest: file.manifestBytes)
        var keys: [ReleaseKey] = []
        for signature in file.signatures {
            if signature.keyID == document.root.keyID {
                throw BundleError(.wrongKey, "signed by the root key \(signature.keyID); root keys sign trust files only, bundles need a release key")
            }
            guard let key = document.releaseKey(signature.keyID) else {
                throw BundleError(.unknownKey,
                    "signed by key \(signature.keyID), which trust file version \(document.version) does not list")
            }
            guard key.publicKey.isValidSignature(signature.signature, for: message) else {
                throw BundleError(.tamperedManifest,
                    "the signature by release key \(key.keyID) does not verify: the manifest was changed after signing, or another key made the signature")
            }
            keys.append(key)
        }
        let now = try evaluationTime(document: document)
        var valid: [KeyID] = []
        var refusal: BundleError?
        for key in keys {
            if let revokedAt = key.revokedAt {
                refusal = BundleError(.revokedKey,
                    "release key \(key.keyID) (\(key.name)) was revoked at \(revokedAt)" + (key.revocationReason.map { ": \($0)" } ?? ""))
            } else if key.isExpired(at: now) {
                refusal = refusal ?? BundleError(.expiredKey,
                    "release key \(key.keyID) (\(key.name)) expired at \(key.expiresAt), before the verification time \(now)")
            } else {
                valid.append(key.keyID)
            }
        }
        guard valid.count >= document.threshold else {
            throw refusal ?? BundleError(.missingSignature,
                "\(valid.count) valid release-key signature\(valid.count == 1 ? "" : "s"), trust file requires \(document.threshold)")
        }
        return valid
    }

    /// The time key expiry is judged at; without a clock only a newer trust file's issue time will do.
    private func evaluationTime(document: TrustDocument) throws(BundleError) -> Int64 {
        switch time {
        case .known(let seconds):
            return seconds
        case .unknown(let lastSeen):
            guard document.version > lastSeen else {
                throw BundleError(.clockUnknown,
                    "the device has no trustworthy time and trust file version \(document.version) is not newer than the last seen (\(lastSeen)); keep serving the current model until the clock is set or a newer trust file arrives")
            }
            return document.issuedAt
        }
    }
}
