import Bundles
import XCTest

/// One test per rejection reason, each on a real bundle signed with real keys.
final class VerificationTests: XCTestCase {
    private var directory: KeyDirectory!
    private var store: TrustStore!
    private var bundle: BundleFile!

    override func setUpWithError() throws {
        (directory, store) = try Fixtures.keys(self)
        bundle = try Fixtures.assemble("opzoo_elementwise").signed(with: directory.signingKey(now: Fixtures.now))
    }

    func testAValidBundleIsAcceptedWithItsContents() throws {
        let verified = try Fixtures.verifier(store).verify(bundle.encoded())
        XCTAssertEqual(verified.modelBytes, try Fixtures.modelBytes("opzoo_elementwise"))
        XCTAssertEqual(verified.manifest.name, "anomaly-detector")
        XCTAssertEqual(verified.manifest.releaseCounter, 5)
        XCTAssertEqual(verified.golden.cases.count, 2)
        XCTAssertEqual(verified.baseline.features.map(\.name), ["energy", "peak"])
        XCTAssertEqual(verified.baseline.predictions.counts.reduce(0, +), 40)
        XCTAssertEqual(verified.signers, [try directory.signingKey(now: Fixtures.now).keyID])
    }

    func testTamperedPayloadIsNamed() throws {
        // Replace the payload with a valid zlib stream of different bytes: the digest check must catch it.
        let model = try Fixtures.modelBytes("opzoo_elementwise")
        var altered = model
        altered[altered.count / 2] ^= 1
        let forged = BundleFile(manifestBytes: Array(bundle.manifestBytes), signatures: bundle.signatures,
                                baselineBytes: Array(bundle.baselineBytes), goldenBytes: Array(bundle.goldenBytes),
                                compressedPayload: try Zlib.compress(altered))
        XCTAssertBundleError(.tamperedPayload, try Fixtures.verifier(store).verify(forged.encoded()))
    }

    func testTamperedManifestIsNamed() throws {
        var manifest = try bundle.unverifiedManifest()
        manifest.releaseCounter = 99
        let forged = BundleFile(manifestBytes: try manifest.canonicalBytes(), signatures: bundle.signatures,
                                baselineBytes: Array(bundle.baselineBytes), goldenBytes: Array(bundle.goldenBytes),
                                compressedPayload: Array(bundle.compressedPayload))
        XCTAssertBundleError(.tamperedManifest, try Fixtures.verifier(store).verify(forged.encoded()))
    }

    func testTamperedBaselineIsNamed() throws {
        var baseline = try DriftBaseline.decode(bundle.baselineBytes)
        baseline.predictions.counts[0] += 1
        let forged = BundleFile(manifestBytes: Array(bundle.manifestBytes), signatures: bundle.signatures,
                                baselineBytes: try baseline.encoded(), goldenBytes: Array(bundle.goldenBytes),
                                compressedPayload: Array(bundle.compressedPayload))
        XCTAssertBundleError(.tamperedSection, try Fixtures.verifier(store).verify(forged.encoded()))
    }

    func testUnsignedBundleIsRefused() throws {
        XCTAssertBundleError(.missingSignature, try Fixtures.verifier(store).verify(Fixtures.assemble("opzoo_elementwise").encoded()))
    }

    func testUnknownKeyIsNamed() throws {
        let stranger = SigningKey.generate()
        let signed = try Fixtures.assemble("opzoo_elementwise").signed(with: stranger)
        let error = XCTAssertBundleError(.unknownKey, try Fixtures.verifier(store).verify(signed.encoded()))
        XCTAssertTrue(error?.message.contains(stranger.keyID.short) ?? false)
    }

    func testSignatureByAnotherKeyUnderATrustedKeyIDIsRefused() throws {
        let trusted = try directory.signingKey(now: Fixtures.now)
        let impostor = try Fixtures.assemble("opzoo_elementwise").signed(with: SigningKey.generate())
        let forged = BundleFile(manifestBytes: Array(impostor.manifestBytes),
                                signatures: [BundleSignature(keyID: trusted.keyID, signature: impostor.signatures[0].signature)],
                                baselineBytes: Array(impostor.baselineBytes), goldenBytes: Array(impostor.goldenBytes),
                                compressedPayload: Array(impostor.compressedPayload))
        XCTAssertBundleError(.tamperedManifest, try Fixtures.verifier(store).verify(forged.encoded()))
    }

    func testRootKeyMayNotSignBundles() throws {
        let root = try SigningKey.load(directory.rootKeyPath)
        let signed = try Fixtures.assemble("opzoo_elementwise").signed(with: root)
        XCTAssertBundleError(.wrongKey, try Fixtures.verifier(store).verify(signed.encoded()))
    }

    func testExpiredKeyIsNamed() throws {
        XCTAssertBundleError(.expiredKey, try Fixtures.verifier(store, at: Fixtures.now + Fixtures.year).verify(bundle.encoded()))
        XCTAssertNoThrow(try Fixtures.verifier(store, at: Fixtures.now + Fixtures.year - 1).verify(bundle.encoded()))
    }

    func testRevokedKeyIsNamed() throws {
        let key = try directory.signingKey(now: Fixtures.now)
        _ = try directory.revoke(key.keyID.short, now: Fixtures.now + 60, reason: "laptop stolen")
        var updated = store!
        try updated.accept(try directory.trustFile())
        let error = XCTAssertBundleError(.revokedKey, try Fixtures.verifier(updated).verify(bundle.encoded()))
        XCTAssertTrue(error?.message.contains("laptop stolen") ?? false)
    }

    func testCounterAtOrBelowTheFloorIsRollback() throws {
        XCTAssertBundleError(.rollback, try Fixtures.verifier(store, floor: 5).verify(bundle.encoded()))
        XCTAssertBundleError(.rollback, try Fixtures.verifier(store, floor: 6).verify(bundle.encoded()))
        XCTAssertNoThrow(try Fixtures.verifier(store, floor: 4).verify(bundle.encoded()))
    }

    func testTruncatedFileIsNamed() throws {
        let bytes = bundle.encoded()
        XCTAssertBundleError(.truncated, try Fixtures.verifier(store).verify(Array(bytes.dropLast(10))))
    }

    func testSignedZipBombIsRefused() throws {
        // A legitimately signed manifest that declares 1 KiB for a stream of 32 MiB: only the cap protects the device.
        var manifest = try bundle.unverifiedManifest()
        let bomb = try Zlib.compress([UInt8](repeating: 0, count: 32 << 20))
        manifest.payload = PayloadDescriptor(length: 1024, sha256: String(repeating: "0", count: 64),
                                             compressedLength: bomb.count, compressedSHA256: sha256(bomb))
        let forged = BundleFile(manifestBytes: try manifest.canonicalBytes(), signatures: [],
                                baselineBytes: Array(bundle.baselineBytes), goldenBytes: Array(bundle.goldenBytes),
                                compressedPayload: bomb)
        let signed = try forged.signed(with: directory.signingKey(now: Fixtures.now))
        XCTAssertBundleError(.oversizedPayload, try Fixtures.verifier(store).verify(signed.encoded()))
    }

    func testProfileMismatchIsNamed() throws {
        let pi4 = try FirmwareProfile.load("rpi-4b-2gb", directory: Fixtures.profiles)
        let pi5 = try FirmwareProfile.load("rpi-5-4gb", directory: Fixtures.profiles)
        // ad01 uses FULLY_CONNECTED only, which the runtime implements: the feature is the one problem.
        let needsDot = try Fixtures.assemble("ad01_int8", metadata: Fixtures.metadata(requiredFeatures: ["dotprod"]))
            .signed(with: directory.signingKey(now: Fixtures.now))
        let error = XCTAssertBundleError(.profileMismatch, try Fixtures.verifier(store, profile: pi4).verify(needsDot.encoded()))
        XCTAssertTrue(error?.message.contains("dotprod") ?? false)
        XCTAssertNoThrow(try Fixtures.verifier(store, profile: pi5).verify(needsDot.encoded()))
    }

    func testClockLessDeviceKeepsItsModelUnlessANewerTrustFileVouches() throws {
        let verifier = BundleVerifier(trust: store, time: .unknown(lastSeenTrustVersion: 1))
        XCTAssertBundleError(.clockUnknown, try verifier.verify(bundle.encoded()))
        // A newer trust file (version 2, from a release-key rotation) lets the device judge expiry at its issue time.
        _ = try directory.rotateRelease(now: Fixtures.now + 100, validity: Fixtures.year)
        var updated = store!
        try updated.accept(try directory.trustFile())
        XCTAssertNoThrow(try BundleVerifier(trust: updated, time: .unknown(lastSeenTrustVersion: 1)).verify(bundle.encoded()))
        XCTAssertBundleError(.clockUnknown, try BundleVerifier(trust: updated, time: .unknown(lastSeenTrustVersion: 2)).verify(bundle.encoded()))
    }

    func testClockLessDeviceStillRefusesKeysExpiredWhenTheTrustFileWasIssued() throws {
        _ = try directory.rotateRelease(now: Fixtures.now + Fixtures.year + 10, validity: Fixtures.year)
        var updated = store!
        try updated.accept(try directory.trustFile())
        XCTAssertBundleError(.expiredKey, try BundleVerifier(trust: updated, time: .unknown(lastSeenTrustVersion: 1)).verify(bundle.encoded()))
    }

    func testVerifierWithoutTrustFileRefuses() throws {
        let empty = TrustStore(pinnedRoot: try directory.rootPublicKey())
        XCTAssertBundleError(.untrustedTrustFile, try Fixtures.verifier(empty).verify(bundle.encoded()))
    }

    private func sha256(_ bytes: [UInt8]) -> String {
        SectionDigest(of: bytes).sha256
    }
}
