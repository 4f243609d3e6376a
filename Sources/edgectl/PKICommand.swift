import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `edgectl pki`: the fleet's certificate authority for mutual TLS with the broker (docs/security.md).
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Create the fleet's CA, issue device, collector and broker certificates, revoke them (docs/security.md).",
        subcommands: [Init.self, Issue.self, Revoke.self, CRL.self]
    )

    static func time(_ override: Int64?) -> Date {
        override.map { Date(timeIntervalSince1970: Double($0)) } ?? Date()
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a CA (ca.crt, ca.key) and an empty CRL (crl.pem) in a new directory.")

        @Option(help: "The PKI directory.")
        var dir: String

        @Option(help: "The CA's common name.")
        var name: String = "EdgeFleet fleet CA"

        @Option(help: "Days the CA certificate stays valid.")
        var days: Int = 3650

        @Option(help: "Days until the CRL must be re-signed (edgectl pki crl); the broker refuses every client after that.")
        var crlDays: Int = 365

        @Option(help: "Override the current time (seconds since 1970 UTC).")
        var now: Int64?

        func run() throws {
            let pki = FleetPKI(directory: dir)
            try pki.initialize(commonName: name, validityDays: days, crlDays: crlDays, now: PKICommand.time(now))
            print("CA \(pki.caCertificatePath) (key \(pki.caKeyPath), 0600; keep it offline), CRL \(pki.crlPath)")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a certificate and key signed by the CA: one of --device ID, --collector NAME, --server HOST.")

        @Option(help: "The PKI directory.")
        var dir: String

        @Option(help: "A device ID: devices/ID.crt and .key, CN = the device ID (its MQTT username at the broker).")
        var device: String?

        @Option(help: "A collector name: collectors/NAME.crt and .key, CN = collector:NAME.")
        var collector: String?

        @Option(help: "The broker's host name or IPv4 address: servers/HOST.crt and .key with that subjectAltName.")
        var server: String?

        @Option(help: "Days the certificate stays valid.")
        var days: Int = 825

        @Option(help: "Override the current time (seconds since 1970 UTC).")
        var now: Int64?

        func run() throws {
            let candidates: [(FleetPKI.Kind, String?)] = [(.device, device), (.collector, collector), (.server, server)]
            let choices = candidates.compactMap { kind, name in name.map { (kind, $0) } }
            guard choices.count == 1, let choice = choices.first else {
                throw CommandLineError("give exactly one of --device ID, --collector NAME or --server HOST")
            }
            let (kind, name) = choice
            let pki = FleetPKI(directory: dir)
            let serial = try pki.issue(kind, name: name, validityDays: days, now: PKICommand.time(now))
            print("\(kind.rawValue) \(name): \(pki.certificatePath(kind, name)) (key \(pki.keyPath(kind, name)), 0600), serial \(serial)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a device's (or collector's) certificate: its serial joins crl.pem; restart the broker to apply it.")

        @Option(help: "The PKI directory.")
        var dir: String

        @Option(help: "The device ID whose certificate is revoked.")
        var device: String?

        @Option(help: "The collector name whose certificate is revoked.")
        var collector: String?

        @Option(help: "Days until the CRL must be re-signed.")
        var crlDays: Int = 365

        @Option(help: "Override the current time (seconds since 1970 UTC).")
        var now: Int64?

        func run() throws {
            let candidates: [(FleetPKI.Kind, String?)] = [(.device, device), (.collector, collector)]
            let choices = candidates.compactMap { kind, name in name.map { (kind, $0) } }
            guard choices.count == 1, let choice = choices.first else {
                throw CommandLineError("give exactly one of --device ID or --collector NAME")
            }
            let (kind, name) = choice
            let pki = FleetPKI(directory: dir)
            let serial = try pki.revoke(kind, name: name, crlDays: crlDays, now: PKICommand.time(now))
            print("revoked \(kind.rawValue) \(name) (serial \(serial)); \(pki.crlPath) updated: restart the broker (mosquitto reads the CRL at start)")
        }
    }

    struct CRL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crl", abstract: "Re-sign crl.pem with a new nextUpdate (before the old one passes).")

        @Option(help: "The PKI directory.")
        var dir: String

        @Option(help: "Days until the CRL must be re-signed again.")
        var crlDays: Int = 365

        @Option(help: "Override the current time (seconds since 1970 UTC).")
        var now: Int64?

        func run() throws {
            let pki = FleetPKI(directory: dir)
            try pki.writeCRL(now: PKICommand.time(now), days: crlDays)
            print("\(pki.crlPath) re-signed, \(try pki.revokedEntries().count) revoked")
        }
    }
}
