import Crypto
import SwiftASN1
import X509

/// An X.509 v2 CRL (RFC 5280 §5) signed by the fleet CA with ECDSA P-256/SHA-256.
///
/// swift-certificates parses certificates but does not build CRLs, so the structure is encoded here with
/// swift-asn1's DER serializer and signed with swift-crypto; nothing below is hand-written cryptography.
/// mosquitto (OpenSSL) reads the result through `crlfile` (tested in BrokerSecurityEndToEndTests).
struct CertificateRevocationList {
    /// The CA's subject: OpenSSL matches a CRL to a certificate by this name.
    var issuer: DistinguishedName
    /// The CA's subject key identifier, repeated in the CRL's authorityKeyIdentifier extension.
    var authorityKeyIdentifier: ArraySlice<UInt8>?
    /// Seconds since 1970 UTC.
    var thisUpdate: Int64
    /// Seconds since 1970 UTC; OpenSSL refuses every client once this has passed, so re-sign before then.
    var nextUpdate: Int64
    /// The cRLNumber extension: grows with each list.
    var number: UInt64
    /// Big-endian serial numbers and when each was revoked.
    var revoked: [(serial: [UInt8], revokedAt: Int64)]

    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let cRLNumber: ASN1ObjectIdentifier = [2, 5, 29, 20]
    static let authorityKeyIdentifierOID: ASN1ObjectIdentifier = [2, 5, 29, 35]

    /// The DER `TBSCertList`.
    func toBeSigned() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // version v2
            try Self.appendAlgorithm(&coder)
            try coder.serialize(issuer)
            try coder.serialize(Self.time(thisUpdate))
            try coder.serialize(Self.time(nextUpdate))
            if !revoked.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { list in
                    for entry in revoked {
                        try list.appendConstructedNode(identifier: .sequence) { item in
                            Self.appendInteger(entry.serial, to: &item)
                            try item.serialize(Self.time(entry.revokedAt))
                        }
                    }
                }
            }
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { tagged in
                try tagged.appendConstructedNode(identifier: .sequence) { extensions in
                    if let authorityKeyIdentifier {
                        try extensions.appendConstructedNode(identifier: .sequence) { item in
                            try item.serialize(Self.authorityKeyIdentifierOID)
                            var inner = DER.Serializer()
                            inner.appendConstructedNode(identifier: .sequence) { sequence in
                                sequence.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                                    $0.append(contentsOf: authorityKeyIdentifier)
                                }
                            }
                            try item.serialize(ASN1OctetString(contentBytes: inner.serializedBytes[...]))
                        }
                    }
                    try extensions.appendConstructedNode(identifier: .sequence) { item in
                        try item.serialize(Self.cRLNumber)
                        var inner = DER.Serializer()
                        try inner.serialize(Int64(number))
                        try item.serialize(ASN1OctetString(contentBytes: inner.serializedBytes[...]))
                    }
                }
            }
        }
        return serializer.serializedBytes
    }

    /// The signed `CertificateList` in DER.
    func der(signedWith key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let tbs = try toBeSigned()
        let signature = try key.signature(for: tbs).derRepresentation
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbs)
            try Self.appendAlgorithm(&coder)
            try coder.serialize(ASN1BitString(bytes: ArraySlice(signature)))
        }
        return serializer.serializedBytes
    }

    /// The signed list as PEM (`-----BEGIN X509 CRL-----`), the form mosquitto's `crlfile` reads.
    func pem(signedWith key: P256.Signing.PrivateKey) throws -> String {
        PEMDocument(type: "X509 CRL", derBytes: try der(signedWith: key)).pemString + "\n"
    }

    private static func appendAlgorithm(_ coder: inout DER.Serializer) throws {
        // ecdsa-with-SHA256 has no parameters (RFC 5758 §3.2): the AlgorithmIdentifier is the OID alone.
        try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(Self.ecdsaWithSHA256) }
    }

    /// A non-negative INTEGER from big-endian bytes: leading zeros dropped, a zero byte added when the top bit is set.
    private static func appendInteger(_ bytes: [UInt8], to coder: inout DER.Serializer) {
        var content = Array(bytes.drop(while: { $0 == 0 }))
        if content.isEmpty || content[0] & 0x80 != 0 { content.insert(0, at: 0) }
        coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: content) }
    }

    /// RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime after.
    private static func time(_ seconds: Int64) throws -> any DERSerializable {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(days: days)
        if year < 2050 {
            return try UTCTime(year: year, month: month, day: day, hours: secondOfDay / 3600, minutes: secondOfDay / 60 % 60,
                               seconds: secondOfDay % 60)
        }
        return try GeneralizedTime(year: year, month: month, day: day, hours: secondOfDay / 3600, minutes: secondOfDay / 60 % 60,
                                   seconds: secondOfDay % 60, fractionalSeconds: 0)
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }
}
