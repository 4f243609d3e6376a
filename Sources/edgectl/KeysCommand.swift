import ArgumentParser
import Bundles
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `edgectl keys`: the root and release keys and the trust file that binds them.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, rotate and revoke the keys that sign bundles (see docs/trust-chain.md).",
        subcommands: [Init.self, Rotate.self, Revoke.self, Refresh.self, List.self]
    )

    static func currentTime(_ override: Int64?) -> Int64 { override ?? Int64(Date().timeIntervalSince1970) }

    static func describe(_ document: TrustDocument, now: Int64) -> String {
        let expiry = document.expiresAt.map { document.isExpired(at: now) ? ", EXPIRED at \($0)" : ", expires \($0)" } ?? ""
        var lines = ["trust file version \(document.version), issued \(document.issuedAt)\(expiry), threshold \(document.threshold)",
                     "root \(document.root.keyID.hex)"]
        for key in document.releaseKeys {
            let state = key.isRevoked ? "REVOKED at \(key.revokedAt!)\(key.revocationReason.map { " (\($0))" } ?? "")"
                : key.isExpired(at: now) ? "expired" : "active"
            lines.append("release \(key.keyID.hex) \(key.name) created \(key.createdAt) expires \(key.expiresAt) \(state)")
        }
        return lines.joined(separator: "\n")
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a root key, a first release key and trust file version 1 in a new directory.")

        @Option(help: "The key directory to create.")
        var dir: String

        @Option(help: "Days the first release key stays valid.")
        var expiresInDays: Int = 365

        @Option(help: "A label for the first release key.")
        var name: String = "release-1"

        @Option(help: "Days each trust file stays valid (defeats freeze attacks; re-issue with `keys refresh`). Default: no expiry.")
        var trustDays: Int?

        @Option(help: "Override the current time (seconds since 1970 UTC), for reproducible runs.")
        var now: Int64?

        func run() throws {
            let time = KeysCommand.currentTime(now)
            let directory = try KeyDirectory.initialize(at: dir, now: time, releaseValidity: Int64(expiresInDays) * 86_400,
                                                        releaseName: name, trustValidity: trustDays.map { Int64($0) * 86_400 })
            print(KeysCommand.describe(try directory.trustFile().document, now: time))
            print("devices pin \(directory.rootPublicKeyPath); move \(directory.rootKeyPath) to offline storage")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new release key and/or a new root key in a new trust-file version signed by the current root.")

        @Option(help: "The key directory.")
        var dir: String

        @Flag(help: "Add a new release key (the default when neither --release nor --root is given).")
        var release = false

        @Flag(help: "Replace the root key; the old root co-signs the new trust file.")
        var root = false

        @Option(help: "Days the new release key stays valid.")
        var expiresInDays: Int = 365

        @Option(help: "A label for the new release key.")
        var name: String?

        @Option(help: "The current root's private key, if kept outside the directory.")
        var rootKey: String?

        @Option(help: "Override the current time (seconds since 1970 UTC).")
        var now: Int64?

        func run() throws {
            let time = KeysCommand.currentTime(now)
            let directory = KeyDirectory(path: dir)
            if root {
                let newRoot = try directory.rotateRoot(now: time, rootKey: rootKey)
                print("new root \(newRoot.keyID.hex); old root moved to \(directory.retiredPath)")
            }
            if release || !root {
                let key = try directory.rotateRelease(now: time, validity: Int64(expiresInDays) * 86_400, name: name,
                                                      rootKey: root ? nil : rootKey)
                print("new release key \(key.keyID.hex) (\(key.name))")
            }
            print(KeysCommand.describe(try directory.trustFile().document, now: time))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a release key revoked in a new trust-file version.")

        @Option(help: "The key directory.")
        var dir: String

        @Option(help: "The release key: a prefix of its key ID (at least 8 hex digits) or its name.")
        var key: String

        @Option(help: "Why, recorded in the trust file and shown in rejections.")
        var reason: String?

        @Option(help: "The root's private key, if kept outside the directory.")
        var rootKey: String?

        @Option(help: "Override the current time (seconds since 1970 UTC).")
        var now: Int64?

        func run() throws {
            let time = KeysCommand.currentTime(now)
            let directory = KeyDirectory(path: dir)
            if key.count < 8, !(try directory.trustFile().document.releaseKeys.contains { $0.name == key }) {
                throw ValidationError("give at least 8 hex digits of the key ID, or the key's name")
            }
            let revoked = try directory.revoke(key, now: time, reason: reason, rootKey: rootKey)
            print("revoked \(revoked.keyID.hex) (\(revoked.name))")
            let document = try directory.trustFile().document
            print(KeysCommand.describe(document, now: time))
            if document.activeReleaseKeys(at: time).isEmpty {
                print("warning: no active release key is left; run `edgectl keys rotate --dir \(dir)`")
            }
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-issue the current keys in a new trust-file version with a fresh expiry (push it with the collector's trust command).")

        @Option(help: "The key directory.")
        var dir: String

        @Option(help: "Days the new trust file stays valid (default: the current file's validity).")
        var trustDays: Int?

        @Option(help: "The root's private key, if kept outside the directory.")
        var rootKey: String?

        @Option(help: "Override the current time (seconds since 1970 UTC).")
        var now: Int64?

        func run() throws {
            let time = KeysCommand.currentTime(now)
            let document = try KeyDirectory(path: dir).refresh(now: time, validity: trustDays.map { Int64($0) * 86_400 }, rootKey: rootKey)
            print(KeysCommand.describe(document, now: time))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the current trust file.")

        @Option(help: "The key directory.")
        var dir: String

        func run() throws {
            let directory = KeyDirectory(path: dir)
            print(KeysCommand.describe(try directory.trustFile().document, now: KeysCommand.currentTime(nil)))
        }
    }
}
