/// A bundle that passed every check: its manifest, model bytes, drift baseline and golden cases.
public struct VerifiedBundle: Sendable {
    public let manifest: BundleManifest
    /// The inflated .tflite model, hash-checked against the manifest.
    public let modelBytes: [UInt8]
    public let baseline: DriftBaseline
    public let golden: GoldenSet
    /// Release keys whose valid signatures were counted.
    public let signers: [KeyID]
    /// SHA-256 of the signed manifest bytes: the bundle's identity.
    public let manifestSHA256: String
}
