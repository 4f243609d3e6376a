import Crypto
import SwiftASN1
import X509
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fleet's certificate authority in a directory: the CA, the device, collector and broker (server)
/// certificates it issued, the list of revoked serial numbers and the CRL built from it.
///
/// Layout (a contract, docs/security.md): `ca.crt`, `ca.key`, `devices/ID.{crt,key}`,
/// `collectors/NAME.{crt,key}`, `servers/HOST.{crt,key}`, `revoked.txt` (one `serial-hex seconds kind/name`
/// line per revocation) and `crl.pem`. Keys are P-256 in PKCS #8 PEM, written 0600.
struct FleetPKI {
    /// What a certificate is for: the broker's ACL tells devices and collectors apart by the subject's CN.
    enum Kind: String, CaseIterable {
        case device, collector, server

        /// The directory under the PKI holding this kind's certificates.
        var folder: String { rawValue + "s" }
    }

    /// The prefix of a collector certificate's CN: `:` cannot occur in a device ID, so a device can never be
    /// issued a collector's identity (the broker's username) by choosing its ID.
    static let collectorPrefix = "collector:"

    let directory: String

    var caCertificatePath: String { "\(directory)/ca.crt" }
    var caKeyPath: String { "\(directory)/ca.key" }
    var crlPath: String { "\(directory)/crl.pem" }
    var revokedListPath: String { "\(directory)/revoked.txt" }

    func certificatePath(_ kind: Kind, _ name: String) -> String { "\(directory)/\(kind.folder)/\(name).crt" }
    func keyPath(_ kind: Kind, _ name: String) -> String { "\(directory)/\(kind.folder)/\(name).key" }

    /// The CN a certificate of `kind` for `name` carries (the broker's username for clients).
    static func commonName(_ kind: Kind, _ name: String) -> String {
        kind == .collector ? collectorPrefix + name : name
    }

    /// Creates the CA (a self-signed P-256 certificate) and an empty CRL; refuses to overwrite an existing CA.
    func initialize(commonName: String, validityDays: Int, crlDays: Int, now: Date) throws {
        if FileAccess.exists(caKeyPath) || FileAccess.exists(caCertificatePath) {
            throw CommandLineError("\(directory) already holds a CA (ca.key/ca.crt); refusing to replace it")
        }
        try PKIFiles.makeDirectory(directory)
        for kind in Kind.allCases { try PKIFiles.makeDirectory("\(directory)/\(kind.folder)") }
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            OrganizationName("EdgeFleet")
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: certificateKey.publicKey)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: certificateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: name, subject: name, extensions: extensions, issuerPrivateKey: certificateKey)
        try PKIFiles.writeSecret(key.pemRepresentation + "\n", to: caKeyPath)
        try PKIFiles.writePublic(certificate.serializeAsPEM().pemString + "\n", to: caCertificatePath)
        try PKIFiles.writePublic("", to: revokedListPath)
        try writeCRL(now: now, days: crlDays)
    }

    /// Issues a certificate of `kind` for `name` signed by the CA; refuses to replace a live one.
    func issue(_ kind: Kind, name: String, validityDays: Int, now: Date) throws -> String {
        try Self.validate(kind, name)
        let (ca, caKey) = try loadCA()
        let certificatePath = certificatePath(kind, name)
        if FileAccess.exists(certificatePath) {
            throw CommandLineError("\(certificatePath) exists; revoke it first (edgectl pki revoke) or pick another name")
        }
        try PKIFiles.makeDirectory("\(directory)/\(kind.folder)")
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName {
            OrganizationName("EdgeFleet")
            OrganizationalUnitName(kind.folder)
            CommonName(Self.commonName(kind, name))
        }
        let authority = try ca.extensions.subjectKeyIdentifier.map { AuthorityKeyIdentifier(keyIdentifier: $0.keyIdentifier) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
            try ExtendedKeyUsage(kind == .server ? [.serverAuth] : [.clientAuth])
            SubjectKeyIdentifier(hash: publicKey)
            if let authority { authority }
            if kind == .server { SubjectAlternativeNames([Self.subjectAlternativeName(name)]) }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: ca.subject, subject: subject, extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(caKey))
        try PKIFiles.writeSecret(key.pemRepresentation + "\n", to: keyPath(kind, name))
        try PKIFiles.writePublic(certificate.serializeAsPEM().pemString + "\n", to: certificatePath)
        return Self.hex(certificate.serialNumber.bytes)
    }

    /// Adds the certificate of `kind`/`name` to the revoked list, rebuilds the CRL and moves the files aside
    /// (to `NAME.crt.revoked-SERIAL`), so the name can be issued again.
    func revoke(_ kind: Kind, name: String, crlDays: Int, now: Date) throws -> String {
        try Self.validate(kind, name)
        let path = certificatePath(kind, name)
        guard FileAccess.exists(path) else { throw CommandLineError("no certificate \(path) to revoke") }
        let certificate = try Certificate(pemEncoded: String(decoding: try FileAccess.read(path), as: UTF8.self))
        let serial = Self.hex(certificate.serialNumber.bytes)
        var entries = try revokedEntries()
        if !entries.contains(where: { $0.serialHex == serial }) {
            entries.append(RevokedEntry(serialHex: serial, revokedAt: Int64(now.timeIntervalSince1970), label: "\(kind.rawValue)/\(name)"))
            try PKIFiles.writePublic(entries.map(\.line).joined(separator: "\n") + "\n", to: revokedListPath)
        }
        try writeCRL(now: now, days: crlDays)
        for file in [path, keyPath(kind, name)] where FileAccess.exists(file) {
            try FileManager.default.moveItem(atPath: file, toPath: "\(file).revoked-\(serial)")
        }
        return serial
    }

    /// Signs a fresh CRL (thisUpdate now, nextUpdate `days` later) listing every revoked serial.
    func writeCRL(now: Date, days: Int) throws {
        let (ca, p256) = try loadCA()
        let entries = try revokedEntries()
        let crl = CertificateRevocationList(
            issuer: ca.subject,
            authorityKeyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier,
            thisUpdate: Int64(now.timeIntervalSince1970), nextUpdate: Int64(now.timeIntervalSince1970) + Int64(days) * 86_400,
            number: UInt64(entries.count) + 1,
            revoked: try entries.map { (serial: try Self.bytes(hex: $0.serialHex), revokedAt: $0.revokedAt) })
        try PKIFiles.writePublic(try crl.pem(signedWith: p256), to: crlPath)
    }

    struct RevokedEntry {
        var serialHex: String
        var revokedAt: Int64
        var label: String
        var line: String { "\(serialHex) \(revokedAt) \(label)" }
    }

    func revokedEntries() throws -> [RevokedEntry] {
        guard FileAccess.exists(revokedListPath) else { return [] }
        let text = String(decoding: try FileAccess.read(revokedListPath), as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, let time = Int64(fields[1]) else {
                throw CommandLineError("\(revokedListPath): malformed line '\(line)'")
            }
            return RevokedEntry(serialHex: String(fields[0]), revokedAt: time, label: fields.count > 2 ? String(fields[2]) : "")
        }
    }

    private func loadCA() throws -> (Certificate, P256.Signing.PrivateKey) {
        guard FileAccess.exists(caCertificatePath), FileAccess.exists(caKeyPath) else {
            throw CommandLineError("\(directory) has no CA: run 'edgectl pki init --dir \(directory)' first")
        }
        let certificate = try Certificate(pemEncoded: String(decoding: try FileAccess.read(caCertificatePath), as: UTF8.self))
        let key = try P256.Signing.PrivateKey(pemRepresentation: String(decoding: try FileAccess.read(caKeyPath), as: UTF8.self))
        return (certificate, key)
    }

    /// Device IDs follow the fleet protocol's rule; collector and server names the same characters (a host may be an
    /// IP address).
    static func validate(_ kind: Kind, _ name: String) throws {
        let allowed = name.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 46 || $0 == 95 || $0 == 45 }
        guard !name.isEmpty, name.utf8.count <= 64, name != ".", name != "..", allowed else {
            throw CommandLineError("'\(name)' cannot name a \(kind.rawValue): use 1–64 of A–Z a–z 0–9 . _ - (it becomes a file name and the MQTT username)")
        }
    }

    static func subjectAlternativeName(_ host: String) -> GeneralName {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, let octets = Optional(parts.compactMap { UInt8($0) }), octets.count == 4 {
            return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets)))
        }
        return .dnsName(host)
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
        }.joined()
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { throw CommandLineError("'\(hex)' is not a hex serial number") }
        func value(_ digit: UInt8) throws -> UInt8 {
            switch digit {
            case 48...57: return digit - 48
            case 97...102: return digit - 87
            case 65...70: return digit - 55
            default: throw CommandLineError("'\(hex)' is not a hex serial number")
            }
        }
        return try stride(from: 0, to: digits.count, by: 2).map { try value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }
}
