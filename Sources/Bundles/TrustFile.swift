#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A trust document and the root signatures over its exact bytes, as stored in `trust.json`.
public struct TrustFile: Sendable, Equatable {
    /// The canonical document bytes the signatures cover (carried base64-encoded in the file).
    public let documentBytes: [UInt8]
    public let document: TrustDocument
    public let signatures: [TrustSignature]

    /// Prefix of every signed trust message, so a trust signature can never pass for a bundle's.
    public static let signatureDomain: [UInt8] = Array("EdgeFleet trust document v1".utf8) + [0]

    /// The on-disk form; the document stays base64 so its signed bytes survive any JSON tooling untouched.
    private struct Envelope: Codable {
        var signed: Data
        var signatures: [TrustSignature]
    }

    /// Parses a trust file and checks the document's consistency; signatures are checked by `TrustStore`.
    public init(parsing bytes: [UInt8]) throws(BundleError) {
        guard bytes.count <= 1 << 20 else { throw BundleError(.untrustedTrustFile, "trust file is larger than 1 MiB") }
        let envelope = try CanonicalJSON.decode(Envelope.self, from: bytes, "the trust file", code: .untrustedTrustFile)
        documentBytes = Array(envelope.signed)
        document = try CanonicalJSON.decode(TrustDocument.self, from: documentBytes, "the trust document", code: .untrustedTrustFile)
        try document.validate()
        signatures = envelope.signatures
    }

    private init(documentBytes: [UInt8], document: TrustDocument, signatures: [TrustSignature]) {
        self.documentBytes = documentBytes
        self.document = document
        self.signatures = signatures
    }

    /// Signs `document` with each of `signers` (the root, and during a rotation the old root as well).
    public static func issue(_ document: TrustDocument, signers: [SigningKey]) throws(BundleError) -> TrustFile {
        try document.validate()
        let bytes = try CanonicalJSON.encode(document, "the trust document")
        var signatures: [TrustSignature] = []
        for signer in signers where !signatures.contains(where: { $0.keyID == signer.keyID }) {
            signatures.append(TrustSignature(keyID: signer.keyID, signature: try signer.signature(for: signatureDomain + bytes)))
        }
        return TrustFile(documentBytes: bytes, document: document, signatures: signatures)
    }

    /// The file bytes: an indented JSON envelope.
    public func encoded() throws(BundleError) -> [UInt8] {
        try CanonicalJSON.encodePretty(Envelope(signed: Data(documentBytes), signatures: signatures), "the trust file")
    }

    /// Whether `key` has a valid signature over the document.
    public func isSigned(by key: VerifyingKey) -> Bool {
        signatures.contains { $0.keyID == key.keyID && key.isValidSignature($0.signature, for: Self.signatureDomain + documentBytes) }
    }

    /// Loads and parses a trust file.
    public static func load(_ path: String) throws(BundleError) -> TrustFile {
        try TrustFile(parsing: try FileIO.read(path))
    }
}
