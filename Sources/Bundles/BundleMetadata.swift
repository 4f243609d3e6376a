/// What the training pipeline states about a model, read from the metadata JSON given to `bundle build`.
public struct BundleMetadata: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var releaseCounter: UInt64
    /// Seconds since 1970 UTC; omit to use the build time (set it for reproducible builds).
    public var createdAt: Int64?
    public var preprocessing: String
    public var lineage: Lineage
    /// CPU features the model's kernels need beyond the baseline, e.g. `dotprod`.
    public var requiredFeatures: [String]?

    public init(name: String, version: String, releaseCounter: UInt64, createdAt: Int64? = nil, preprocessing: String,
                lineage: Lineage, requiredFeatures: [String]? = nil) {
        self.name = name
        self.version = version
        self.releaseCounter = releaseCounter
        self.createdAt = createdAt
        self.preprocessing = preprocessing
        self.lineage = lineage
        self.requiredFeatures = requiredFeatures
    }

    /// Decodes metadata JSON, naming the missing or malformed field.
    public static func decode(_ bytes: [UInt8]) throws(BundleError) -> BundleMetadata {
        try CanonicalJSON.decode(BundleMetadata.self, from: bytes, "the bundle metadata", code: .invalidInput)
    }
}
