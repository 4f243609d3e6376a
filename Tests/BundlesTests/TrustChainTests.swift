import Bundles
import Foundation
import XCTest

/// Key directories, trust files, rotation and revocation, end to end with real files and keys.
final class TrustChainTests: XCTestCase {
    func testInitLaysOutKeysWithPrivateModes() throws {
        let (directory, store) = try Fixtures.keys(self)
        let document = try directory.trustFile().document
        XCTAssertEqual(document.version, 1)
        XCTAssertEqual(document.releaseKeys.count, 1)
        XCTAssertEqual(store.pinnedRoot, try directory.rootPublicKey())
        let release = document.releaseKeys[0]
        XCTAssertEqual(release.expiresAt, Fixtures.now + Fixtures.year)
        for path in [directory.rootKeyPath, directory.releaseKeyPath(release.keyID)] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
            XCTAssertEqual(mode?.intValue, 0o600, path)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.historyPath(version: 1)))
        XCTAssertBundleError(.keyFile, try KeyDirectory.initialize(at: directory.path, now: Fixtures.now, releaseValidity: 1))
    }

    func testWorldReadablePrivateKeyIsRefused() throws {
        let (directory, _) = try Fixtures.keys(self)
        chmod(directory.rootKeyPath, 0o644)
        let error = XCTAssertBundleError(.keyFile, try SigningKey.load(directory.rootKeyPath))
        XCTAssertTrue(error?.message.contains("chmod 600") ?? false)
    }

    func testTrustFileSignedByAnotherRootIsRefused() throws {
        let (directory, _) = try Fixtures.keys(self)
        let (other, _) = try Fixtures.keys(self)
        var store = TrustStore(pinnedRoot: try directory.rootPublicKey())
        XCTAssertBundleError(.untrustedTrustFile, try store.accept(try other.trustFile()))
    }

    func testTamperedTrustDocumentIsRefused() throws {
        let (directory, _) = try Fixtures.keys(self)
        var text = try String(contentsOfFile: directory.trustPath, encoding: .utf8)
        // Swap one base64 character of the signed document; the signature must no longer verify.
        let range = text.range(of: "\"signed\" : \"")!
        let index = text.index(range.upperBound, offsetBy: 40)
        text.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
        var store = TrustStore(pinnedRoot: try directory.rootPublicKey())
        XCTAssertThrowsError(try store.accept(try TrustFile(parsing: Array(text.utf8))))
    }

    func testOlderTrustFileIsRollback() throws {
        let (directory, store) = try Fixtures.keys(self)
        _ = try directory.rotateRelease(now: Fixtures.now + 10, validity: Fixtures.year)
        var updated = store
        try updated.accept(try directory.trustFile())
        XCTAssertEqual(updated.currentVersion, 2)
        XCTAssertBundleError(.trustRollback, try updated.accept(try TrustFile.load(directory.historyPath(version: 1))))
    }

    func testReleaseKeyRotationEndToEnd() throws {
        let (directory, store) = try Fixtures.keys(self)
        let oldKey = try directory.signingKey(now: Fixtures.now)
        let oldBundle = try Fixtures.assemble("opzoo_elementwise").signed(with: oldKey).encoded()

        let entry = try directory.rotateRelease(now: Fixtures.now + 1000, validity: 2 * Fixtures.year, name: "release-2025")
        let newKey = try directory.signingKey(now: Fixtures.now + 2000)
        XCTAssertEqual(newKey.keyID, entry.keyID, "the newest active key signs by default")
        let newBundle = try Fixtures.assemble("opzoo_elementwise", metadata: Fixtures.metadata(counter: 6)).signed(with: newKey).encoded()

        // A device still on trust version 1 does not know the new key yet.
        XCTAssertBundleError(.unknownKey, try Fixtures.verifier(store).verify(newBundle))
        var updated = store
        try updated.accept(try directory.trustFile())
        XCTAssertNoThrow(try Fixtures.verifier(updated, at: Fixtures.now + 3000).verify(newBundle))
        // The old key stays valid until its own expiry, then only the new key's bundles pass.
        XCTAssertNoThrow(try Fixtures.verifier(updated, at: Fixtures.now + 3000).verify(oldBundle))
        XCTAssertBundleError(.expiredKey, try Fixtures.verifier(updated, at: Fixtures.now + Fixtures.year + 1).verify(oldBundle))
        XCTAssertNoThrow(try Fixtures.verifier(updated, at: Fixtures.now + Fixtures.year + 1).verify(newBundle))
    }

    func testRootRotationChainsFromTheOldPin() throws {
        let (directory, store) = try Fixtures.keys(self)
        let oldRoot = try directory.rootPublicKey()
        let newRoot = try directory.rotateRoot(now: Fixtures.now + 100)
        XCTAssertNotEqual(newRoot.keyID, oldRoot.keyID)
        XCTAssertEqual(try directory.rootPublicKey().keyID, newRoot.keyID)
        _ = try directory.rotateRelease(now: Fixtures.now + 200, validity: Fixtures.year)

        // Version 3 is signed by the new root only: a device pinned to the old root needs version 2 first.
        var skipping = store
        XCTAssertBundleError(.untrustedTrustFile, try skipping.accept(try directory.trustFile()))
        var chained = store
        try chained.accept(chain: try directory.trustHistory())
        XCTAssertEqual(chained.currentVersion, 3)
        XCTAssertEqual(chained.pinnedRoot.keyID, newRoot.keyID)

        let bundle = try Fixtures.assemble("opzoo_elementwise").signed(with: directory.signingKey(now: Fixtures.now + 300)).encoded()
        XCTAssertNoThrow(try Fixtures.verifier(chained).verify(bundle))
        // The retired root can issue nothing any more.
        let retired = try SigningKey.load("\(directory.retiredPath)/root-\(oldRoot.keyID.short).key")
        var forgedDocument = try directory.trustFile().document
        forgedDocument.version = 4
        forgedDocument.releaseKeys.append(ReleaseKey(publicKey: SigningKey.generate().publicKey, name: "evil",
                                                     createdAt: Fixtures.now, expiresAt: Fixtures.now + Fixtures.year))
        XCTAssertBundleError(.untrustedTrustFile, try chained.accept(try TrustFile.issue(forgedDocument, signers: [retired])))
    }

    func testRootRotationMustBeSignedByTheNewRootToo() throws {
        let (directory, store) = try Fixtures.keys(self)
        let oldRoot = try SigningKey.load(directory.rootKeyPath)
        var document = try directory.trustFile().document
        document.version = 2
        document.root = RootKey(publicKey: SigningKey.generate().publicKey)
        var updated = store
        XCTAssertBundleError(.untrustedTrustFile, try updated.accept(try TrustFile.issue(document, signers: [oldRoot])))
    }

    func testRevocationEndToEnd() throws {
        let (directory, store) = try Fixtures.keys(self)
        let compromised = try directory.signingKey(now: Fixtures.now)
        _ = try directory.rotateRelease(now: Fixtures.now + 10, validity: Fixtures.year)
        let revoked = try directory.revoke(compromised.keyID.short, now: Fixtures.now + 20, reason: "key leaked")
        XCTAssertEqual(revoked.revokedAt, Fixtures.now + 20)
        XCTAssertEqual(try directory.trustFile().document.version, 3)
        XCTAssertNotEqual(try directory.signingKey(now: Fixtures.now + 30).keyID, compromised.keyID)

        let evil = try Fixtures.assemble("opzoo_elementwise", metadata: Fixtures.metadata(counter: 50)).signed(with: compromised).encoded()
        XCTAssertNoThrow(try Fixtures.verifier(store).verify(evil), "before the device learns of the revocation")
        var updated = store
        try updated.accept(try directory.trustFile())
        XCTAssertBundleError(.revokedKey, try Fixtures.verifier(updated).verify(evil))
        // Revocation holds whatever the clock says, including on clock-less devices.
        XCTAssertBundleError(.revokedKey, try BundleVerifier(trust: updated, time: .unknown(lastSeenTrustVersion: 1)).verify(evil))
        XCTAssertBundleError(.invalidInput, try directory.revoke(compromised.keyID.short, now: Fixtures.now + 40))
    }

    func testBundleNeedsEverySignatureValidAndOneActive() throws {
        let (directory, store) = try Fixtures.keys(self)
        let first = try directory.signingKey(now: Fixtures.now)
        _ = try directory.rotateRelease(now: Fixtures.now + 10, validity: Fixtures.year)
        let second = try directory.signingKey(now: Fixtures.now + 20)
        var updated = store
        try updated.accept(try directory.trustFile())
        let both = try Fixtures.assemble("opzoo_elementwise").signed(with: first).signed(with: second)
        XCTAssertEqual(try Fixtures.verifier(updated).verify(both.encoded()).signers.count, 2)
        // A signature by a key the trust file does not list spoils the bundle even next to a good one.
        let withStranger = try both.signed(with: SigningKey.generate())
        XCTAssertBundleError(.unknownKey, try Fixtures.verifier(updated).verify(withStranger.encoded()))
    }
}
