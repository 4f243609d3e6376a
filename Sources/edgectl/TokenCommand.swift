import ArgumentParser
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `edgectl token`: API tokens for the collector's configuration, stored there only as SHA-256 digests.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make collector API tokens and the SHA-256 digests the collector's configuration stores (docs/security.md).",
        subcommands: [Hash.self, New.self]
    )

    static func hexDigest(_ secret: String) -> String { FleetPKI.hex(SHA256.hash(data: Array(secret.utf8))) }

    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the hex SHA-256 of a token secret (read from standard input, one line), for http.tokens[].sha256.")

        @Option(help: "The secret (avoid: it lands in the shell's history; standard input is read when absent).")
        var secret: String?

        func run() throws {
            let value = secret ?? readLine(strippingNewline: true) ?? ""
            guard value.utf8.count >= 16 else { throw CommandLineError("a token secret needs at least 16 characters") }
            print(TokenCommand.hexDigest(value))
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a random token: prints the secret (give it to its holder) and the http.tokens entry (digest only).")

        @Option(help: "The token's name (the actor in the audit log).")
        var name: String

        @Option(help: "read, operate, admin or gate.")
        var role: String

        func run() throws {
            guard ["read", "operate", "admin", "gate"].contains(role) else {
                throw CommandLineError("unknown role '\(role)': use read, operate, admin or gate")
            }
            var generator = SystemRandomNumberGenerator()
            let secret = FleetPKI.hex((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
            print("secret: \(secret)")
            print("{\"name\": \"\(name)\", \"role\": \"\(role)\", \"sha256\": \"\(TokenCommand.hexDigest(secret))\"}")
        }
    }
}
