/// Baseline of an embedding sketch: a named intermediate tensor reduced to `k` numbers by a seeded random projection.
///
/// The projection matrix is not stored: both the builder and the device regenerate it from `seed`
/// (``EmbeddingProjection``), so its ±1 entries are bit-identical on every machine.
public struct EmbeddingBaseline: Codable, Sendable, Equatable {
    /// The tensor's name in the model, e.g. the penultimate layer's output.
    public var tensor: String
    /// Its index in the model's main graph (checked against `tensor` by the device).
    public var tensorIndex: Int
    /// Elements of the tensor (the projection's input dimension).
    public var dimension: Int
    /// Output dimensions of the projection.
    public var k: Int
    /// Seed of the projection matrix.
    public var seed: UInt32
    /// How the matrix is made; ``EmbeddingProjection/rademacher`` is the only kind today.
    public var projection: String
    /// One histogram per projected dimension: `embedding.0` … `embedding.<k-1>`, on baseline quantiles.
    public var features: [FeatureHistogram]

    /// Allowed projection sizes.
    public static let kRange = 1...64

    public init(tensor: String, tensorIndex: Int, dimension: Int, k: Int, seed: UInt32, projection: String = EmbeddingProjection.rademacher,
                features: [FeatureHistogram]) {
        self.tensor = tensor
        self.tensorIndex = tensorIndex
        self.dimension = dimension
        self.k = k
        self.seed = seed
        self.projection = projection
        self.features = features
    }

    /// Names of the projected dimensions, as sent in telemetry.
    public static func featureNames(k: Int) -> [String] { (0..<k).map { "embedding.\($0)" } }

    func validate() throws(BundleError) {
        guard projection == EmbeddingProjection.rademacher else {
            throw BundleError(.malformed, "baseline embedding: unknown projection '\(projection)' (this build knows '\(EmbeddingProjection.rademacher)')")
        }
        guard Self.kRange.contains(k), dimension >= 1, tensorIndex >= 0, features.map(\.name) == Self.featureNames(k: k) else {
            throw BundleError(.malformed, "baseline embedding: k must be in \(Self.kRange) with one histogram per dimension, the tensor non-empty")
        }
        for feature in features { try feature.validate() }
    }
}
