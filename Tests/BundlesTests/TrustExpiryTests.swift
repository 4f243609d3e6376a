import Bundles
import Foundation
import XCTest

/// Trust files that expire (`expiresAt`), against freeze attacks: an attacker who replays an old, validly signed
/// trust file (say, from before a release key was revoked) must not get a device to act on it.
final class TrustExpiryTests: XCTestCase {
    static let week: Int64 = 7 * 86_400

    private func expiringKeys() throws -> KeyDirectory {
        try KeyDirectory.initialize(at: "\(Fixtures.temporaryDirectory(self))/keys", now: Fixtures.now, releaseValidity: Fixtures.year,
                                    trustValidity: Self.week)
    }

    func testTrustFilesCarryAnExpiryThatRefreshAndRotationRenew() throws {
        let directory = try expiringKeys()
        XCTAssertEqual(try directory.trustFile().document.expiresAt, Fixtures.now + Self.week)
        _ = try directory.rotateRelease(now: Fixtures.now + 100, validity: Fixtures.year)
        XCTAssertEqual(try directory.trustFile().document.expiresAt, Fixtures.now + 100 + Self.week, "rotation keeps the validity")
        let refreshed = try directory.refresh(now: Fixtures.now + 200, validity: 2 * Self.week)
        XCTAssertEqual(refreshed.version, 3)
        XCTAssertEqual(refreshed.expiresAt, Fixtures.now + 200 + 2 * Self.week)
        XCTAssertEqual(refreshed.releaseKeys.count, 2, "a refresh re-issues the same keys")
        // A file without expiry (the format before it existed) still verifies and never expires.
        let (plain, _) = try Fixtures.keys(self)
        XCTAssertNil(try plain.trustFile().document.expiresAt)
        XCTAssertFalse(try plain.trustFile().document.isExpired(at: .max))
    }

    func testAFrozenTrustFileIsRefusedAfterItsExpiryAndTheDeviceKeepsItsNewerOne() throws {
        let directory = try expiringKeys()
        let old = try directory.trustFile()
        // The release key is revoked in version 2; the attacker keeps serving version 1.
        let key = try directory.trustFile().document.releaseKeys[0]
        _ = try directory.rotateRelease(now: Fixtures.now + 10, validity: Fixtures.year, name: "release-2")
        _ = try directory.revoke(key.name, now: Fixtures.now + 20, reason: "leaked")
        let current = try directory.trustFile()

        // A fresh device (pinned root only) offered the frozen file after its expiry refuses it.
        var fresh = TrustStore(pinnedRoot: try directory.rootPublicKey())
        let afterExpiry = VerificationTime.known(secondsSince1970: Fixtures.now + Self.week + 1)
        XCTAssertBundleError(.trustExpired, try fresh.accept(old, at: afterExpiry))
        XCTAssertEqual(fresh.currentVersion, 0)
        // Within its validity it is still accepted (it is genuine), and the newer file then replaces it.
        try fresh.accept(old, at: .known(secondsSince1970: Fixtures.now + 30))
        try fresh.accept(current, at: .known(secondsSince1970: Fixtures.now + 30))
        XCTAssertEqual(fresh.currentVersion, 3)
        // A device that has the newer file keeps it when the old one is served again, expired or not.
        var device = fresh
        XCTAssertBundleError(.trustExpired, try device.accept(old, at: afterExpiry))
        XCTAssertBundleError(.trustRollback, try device.accept(old, at: .known(secondsSince1970: Fixtures.now + 40)))
        XCTAssertEqual(device.currentVersion, 3)
    }

    func testNewBundlesNeedAnUnexpiredTrustFileButInstalledOnesKeepRunning() throws {
        let directory = try expiringKeys()
        let store = try Fixtures.store(for: directory)
        let bundle = try Fixtures.assemble("opzoo_elementwise").signed(with: try directory.signingKey(now: Fixtures.now)).encoded()
        var verifier = Fixtures.verifier(store, at: Fixtures.now + 3600)
        verifier.requiresUnexpiredTrust = true
        XCTAssertNoThrow(try verifier.verify(bundle))
        var frozen = Fixtures.verifier(store, at: Fixtures.now + Self.week + 1)
        frozen.requiresUnexpiredTrust = true
        let error = XCTAssertBundleError(.trustExpired, try frozen.verify(bundle))
        XCTAssertTrue(error?.message.contains("fresh trust file") ?? false)
        // Re-verifying what is installed (at boot) does not depend on the trust file's freshness.
        XCTAssertNoThrow(try Fixtures.verifier(store, at: Fixtures.now + Self.week + 1).verify(bundle))
        // After a refresh the device installs new bundles again.
        _ = try directory.refresh(now: Fixtures.now + Self.week + 2)
        var refreshed = store
        try refreshed.accept(try directory.trustFile(), at: .known(secondsSince1970: Fixtures.now + Self.week + 3))
        var renewed = Fixtures.verifier(refreshed, at: Fixtures.now + Self.week + 3)
        renewed.requiresUnexpiredTrust = true
        XCTAssertNoThrow(try renewed.verify(bundle))
    }

    /// Mix and match: an attacker pairs a bundle signed by a leaked (since revoked) release key with the older trust
    /// file that still lists that key. The device keeps its newer trust file and refuses the bundle.
    func testMixingAnOldTrustFileWithARevokedKeysBundleIsRefused() throws {
        let directory = try expiringKeys()
        let leakedKey = try directory.signingKey(now: Fixtures.now)
        let bundle = try Fixtures.assemble("opzoo_elementwise").signed(with: leakedKey).encoded()
        _ = try directory.rotateRelease(now: Fixtures.now + 10, validity: Fixtures.year, name: "release-2")
        _ = try directory.revoke("release-1", now: Fixtures.now + 20, reason: "leaked")
        var device = try Fixtures.store(for: directory)
        XCTAssertEqual(device.currentVersion, 3)
        let old = try TrustFile.load(directory.historyPath(version: 1))
        XCTAssertBundleError(.trustRollback, try device.accept(old, at: .known(secondsSince1970: Fixtures.now + 30)))
        var verifier = Fixtures.verifier(device, at: Fixtures.now + 40)
        verifier.requiresUnexpiredTrust = true
        XCTAssertBundleError(.revokedKey, try verifier.verify(bundle))
        // Only a device that never saw the revocation would accept it, and only until version 1 expires.
        var stale = TrustStore(pinnedRoot: try directory.rootPublicKey())
        try stale.accept(old, at: .known(secondsSince1970: Fixtures.now + 30))
        var frozen = Fixtures.verifier(stale, at: Fixtures.now + Self.week + 1)
        frozen.requiresUnexpiredTrust = true
        XCTAssertBundleError(.trustExpired, try frozen.verify(bundle))
    }
}
