/// The signed description of a bundle: identity, schema, lineage, requirements and section digests.
public struct BundleManifest: Codable, Sendable, Equatable {
    /// The manifest layout version; 1 for this build.
    public var formatVersion: Int
    /// The model's name, `[A-Za-z0-9._-]`, 1 to 128 characters.
    public var name: String
    /// Semantic version, for people.
    public var version: String
    /// Strictly increasing per model lineage, for devices: the anti-rollback floor compares it.
    public var releaseCounter: UInt64
    /// Build time, seconds since 1970-01-01 UTC.
    public var createdAt: Int64
    public var inputs: [TensorSchema]
    public var outputs: [TensorSchema]
    /// Class names for output 0, index = class.
    public var labels: [String]
    /// How raw sensor data becomes the input tensor (resize, colour order, normalisation).
    public var preprocessing: String
    public var lineage: Lineage
    /// Measured by the runtime at build time; checked against the device profile.
    public var requirements: DeviceRequirements
    /// Pins the compressed and the inflated model.
    public var payload: PayloadDescriptor
    /// Digest of the drift-baseline section.
    public var baseline: SectionDigest
    /// Digest of the golden-cases section.
    public var golden: SectionDigest

    public static let currentFormatVersion = 1

    public init(name: String, version: String, releaseCounter: UInt64, createdAt: Int64,
                inputs: [TensorSchema], outputs: [TensorSchema], labels: [String], preprocessing: String,
                lineage: Lineage, requirements: DeviceRequirements, payload: PayloadDescriptor,
                baseline: SectionDigest, golden: SectionDigest) {
        formatVersion = Self.currentFormatVersion
        self.name = name
        self.version = version
        self.releaseCounter = releaseCounter
        self.createdAt = createdAt
        self.inputs = inputs
        self.outputs = outputs
        self.labels = labels
        self.preprocessing = preprocessing
        self.lineage = lineage
        self.requirements = requirements
        self.payload = payload
        self.baseline = baseline
        self.golden = golden
    }

    /// The exact bytes that get signed: canonical JSON (sorted keys, no whitespace).
    public func canonicalBytes() throws(BundleError) -> [UInt8] {
        try CanonicalJSON.encode(self, "the manifest")
    }

    /// Decodes manifest bytes and checks every field's range; the signature is checked elsewhere.
    public static func decode(_ bytes: some Collection<UInt8>) throws(BundleError) -> BundleManifest {
        let manifest = try CanonicalJSON.decode(BundleManifest.self, from: bytes, "the manifest")
        try manifest.validate()
        return manifest
    }

    /// Refuses values that no honest build produces, so later arithmetic and allocations stay bounded.
    public func validate() throws(BundleError) {
        func fail(_ reason: String) -> BundleError { BundleError(.malformed, "manifest: \(reason)") }
        guard formatVersion == Self.currentFormatVersion else {
            throw fail("format version \(formatVersion) is not supported (this build reads \(Self.currentFormatVersion))")
        }
        guard (1...128).contains(name.utf8.count),
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
        else { throw fail("name '\(name)' must be 1-128 characters of A-Z a-z 0-9 . _ -") }
        do { _ = try SemanticVersion(version) } catch { throw fail(error.message) }
        guard releaseCounter >= 1 else { throw fail("release counter must be at least 1") }
        guard payload.format == "tflite", payload.compression == "zlib" else {
            throw fail("payload must be tflite compressed with zlib, not \(payload.format)/\(payload.compression)")
        }
        for (what, length) in [("payload length", payload.length), ("compressed payload length", payload.compressedLength),
                               ("baseline length", baseline.length), ("golden length", golden.length),
                               ("arena bytes", requirements.arenaBytes), ("weights bytes", requirements.weightsBytes),
                               ("MACs", requirements.macs)] where length < 0 {
            throw fail("\(what) is negative")
        }
        for (what, digest) in [("payload", payload.sha256), ("compressed payload", payload.compressedSHA256),
                               ("baseline", baseline.sha256), ("golden", golden.sha256)] where !Digest.isSHA256Hex(digest) {
            throw fail("\(what) SHA-256 '\(digest)' is not 64 lowercase hex digits")
        }
        guard !inputs.isEmpty, !outputs.isEmpty else { throw fail("the model must have inputs and outputs") }
    }
}
