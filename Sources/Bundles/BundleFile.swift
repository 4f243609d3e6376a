/// A bundle's container: its sections as bytes, parsed with every length checked, nothing yet trusted.
public struct BundleFile: Sendable {
    /// The canonical manifest bytes the signatures cover.
    public let manifestBytes: ArraySlice<UInt8>
    public let signatures: [BundleSignature]
    public let baselineBytes: ArraySlice<UInt8>
    public let goldenBytes: ArraySlice<UInt8>
    /// The zlib-compressed .tflite model.
    public let compressedPayload: ArraySlice<UInt8>

    /// Assembles a bundle from its parts; the manifest must already describe them.
    public init(manifestBytes: [UInt8], signatures: [BundleSignature], baselineBytes: [UInt8], goldenBytes: [UInt8],
                compressedPayload: [UInt8]) {
        self.manifestBytes = manifestBytes[...]
        self.signatures = signatures
        self.baselineBytes = baselineBytes[...]
        self.goldenBytes = goldenBytes[...]
        self.compressedPayload = compressedPayload[...]
    }

    /// Parses a container: magic, version, then five sections in fixed order that end exactly at the file's end.
    public init(parsing bytes: [UInt8]) throws(BundleError) {
        var reader = ByteReader(bytes)
        let magic = try reader.readBytes(BundleFormat.magic.count, "the bundle magic")
        guard magic.elementsEqual(BundleFormat.magic) else {
            throw BundleError(.malformed, "not an EdgeFleet bundle (wrong magic bytes)")
        }
        let version = try reader.readUInt16("the format version")
        guard version == BundleFormat.version else {
            throw BundleError(.malformed, "bundle format version \(version) is not supported; this build reads version \(BundleFormat.version)")
        }
        let sectionCount = try reader.readUInt16("the section count")
        guard sectionCount == BundleFormat.Tag.allCases.count else {
            throw BundleError(.malformed, "a version 1 bundle has \(BundleFormat.Tag.allCases.count) sections, this one claims \(sectionCount)")
        }
        let reserved = try reader.readUInt32("the reserved header field")
        guard reserved == 0 else { throw BundleError(.malformed, "reserved header field is \(reserved), must be 0") }

        var sections: [ArraySlice<UInt8>] = []
        for tag in BundleFormat.Tag.allCases {
            let found = try reader.readUInt32("the \(tag.rawValue) section tag")
            guard found == tag.value else {
                throw BundleError(.malformed, "expected section \(tag.rawValue) at offset \(reader.offset - 4), found tag 0x\(String(found, radix: 16))")
            }
            let length = try reader.readUInt64("the \(tag.rawValue) section length")
            guard length <= UInt64(tag.maximumLength) else {
                throw BundleError(length > UInt64(reader.remaining) ? .truncated : .malformed,
                    "section \(tag.rawValue) claims \(length) bytes, above its limit of \(tag.maximumLength)")
            }
            sections.append(try reader.readBytes(Int(length), "section \(tag.rawValue)"))
        }
        guard reader.remaining == 0 else {
            throw BundleError(.malformed, "\(reader.remaining) unexpected bytes after the last section")
        }
        manifestBytes = sections[0]
        signatures = try Self.parseSignatures(sections[1])
        baselineBytes = sections[2]
        goldenBytes = sections[3]
        compressedPayload = sections[4]
    }

    private static func parseSignatures(_ section: ArraySlice<UInt8>) throws(BundleError) -> [BundleSignature] {
        var reader = ByteReader(Array(section))
        let count = Int(try reader.readUInt16("the signature count"))
        guard count <= BundleFormat.maximumSignatures else {
            throw BundleError(.malformed, "\(count) signatures exceed the limit of \(BundleFormat.maximumSignatures)")
        }
        guard reader.remaining == count * BundleSignature.encodedLength else {
            throw BundleError(.malformed,
                "signature section holds \(reader.remaining) bytes, \(count) signatures need \(count * BundleSignature.encodedLength)")
        }
        var signatures: [BundleSignature] = []
        for index in 0..<count {
            let keyID = try KeyID(bytes: Array(try reader.readBytes(KeyID.byteCount, "signature \(index) key ID")))
            let signature = Array(try reader.readBytes(64, "signature \(index)"))
            guard !signatures.contains(where: { $0.keyID == keyID }) else {
                throw BundleError(.malformed, "key \(keyID) signs the manifest twice")
            }
            signatures.append(BundleSignature(keyID: keyID, signature: signature))
        }
        return signatures
    }

    /// The container bytes.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(bytes: BundleFormat.magic)
        writer.write(BundleFormat.version)
        writer.write(UInt16(BundleFormat.Tag.allCases.count))
        writer.write(UInt32(0))
        var signatureSection = ByteWriter()
        signatureSection.write(UInt16(signatures.count))
        for signature in signatures {
            signatureSection.write(bytes: signature.keyID.bytes)
            signatureSection.write(bytes: signature.signature)
        }
        let bodies: [ArraySlice<UInt8>] = [manifestBytes, signatureSection.bytes[...], baselineBytes, goldenBytes, compressedPayload]
        for (tag, body) in zip(BundleFormat.Tag.allCases, bodies) {
            writer.write(tag.value)
            writer.write(UInt64(body.count))
            writer.write(bytes: body)
        }
        return writer.bytes
    }

    /// A copy with `key`'s signature over the manifest added, replacing an earlier signature by the same key.
    public func signed(with key: SigningKey) throws(BundleError) -> BundleFile {
        let signature = try key.signature(for: BundleFormat.signedMessage(manifest: manifestBytes))
        var all = signatures.filter { $0.keyID != key.keyID }
        all.append(BundleSignature(keyID: key.keyID, signature: signature))
        guard all.count <= BundleFormat.maximumSignatures else {
            throw BundleError(.invalidInput, "a bundle carries at most \(BundleFormat.maximumSignatures) signatures")
        }
        return BundleFile(manifestBytes: Array(manifestBytes), signatures: all, baselineBytes: Array(baselineBytes),
                          goldenBytes: Array(goldenBytes), compressedPayload: Array(compressedPayload))
    }

    /// Decodes the manifest without verifying any signature, for inspection.
    public func unverifiedManifest() throws(BundleError) -> BundleManifest {
        try BundleManifest.decode(manifestBytes)
    }
}
