import FleetSupport

/// A fixed random projection of a quantised tensor to `k` numbers: `y = R · x / √k` with `x` dequantised and `R`
/// a `k × dimension` matrix of ±1 drawn from SplitMix64 seeded with `seed` (one draw per entry, row-major,
/// +1 when the draw's top bit is 0).
///
/// Shared by the bundle builder and the agent, which regenerate the same matrix from the baseline's seed. The dot
/// products run on the integer values (`R · q − zeroPoint · ΣR`), then one multiply by the scale per output.
/// ``project(_:into:)`` allocates nothing.
public struct EmbeddingProjection: Sendable {
    /// The projection kind stored in baselines.
    public static let rademacher = "rademacher-splitmix64"

    public let dimension: Int
    public let k: Int
    /// Row-major ±1 entries.
    public let signs: [Int8]
    private let rowSums: [Int]
    private let signed: Bool
    private let factor: Double
    private let zeroPoint: Int

    /// Throws for tensors that are not int8/uint8, and for `k` outside ``EmbeddingBaseline/kRange``.
    public init(dimension: Int, k: Int, seed: UInt32, dtype: String, scale: Float, zeroPoint: Int32) throws(BundleError) {
        let type = dtype.lowercased()
        guard type == "int8" || type == "uint8" else {
            throw BundleError(.invalidInput, "an embedding sketch needs an int8 or uint8 tensor, this one is \(dtype)")
        }
        guard EmbeddingBaseline.kRange.contains(k) else {
            throw BundleError(.invalidInput, "embedding k must be in \(EmbeddingBaseline.kRange), not \(k)")
        }
        guard dimension >= 1 else { throw BundleError(.invalidInput, "an embedding sketch needs a non-empty tensor") }
        self.dimension = dimension
        self.k = k
        self.signs = Self.matrix(rows: k, columns: dimension, seed: seed)
        var sums: [Int] = []
        for row in 0..<k { sums.append(signs[(row * dimension)..<((row + 1) * dimension)].reduce(0) { $0 + Int($1) }) }
        self.rowSums = sums
        self.signed = type == "int8"
        self.factor = (scale > 0 ? Double(scale) : 1) / Double(k).squareRoot()
        self.zeroPoint = scale > 0 ? Int(zeroPoint) : 0
    }

    /// The ±1 matrix for `seed`, row-major.
    public static func matrix(rows: Int, columns: Int, seed: UInt32) -> [Int8] {
        var random = SplitMix64(seed: UInt64(seed))
        var result = [Int8](repeating: 0, count: rows * columns)
        for index in result.indices {
            result[index] = random.next() >> 63 == 0 ? 1 : -1
        }
        return result
    }

    /// Writes `k` projections of `tensor` (``dimension`` bytes) into `output`; no allocation.
    public func project(_ tensor: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Double>) {
        let dimension = self.dimension
        signs.withUnsafeBufferPointer { signs in
            for row in 0..<k {
                var dot: Int32 = 0
                let base = row &* dimension
                if signed {
                    for column in 0..<dimension {
                        dot &+= Int32(signs[base &+ column]) &* Int32(Int8(bitPattern: tensor[column]))
                    }
                } else {
                    for column in 0..<dimension {
                        dot &+= Int32(signs[base &+ column]) &* Int32(tensor[column])
                    }
                }
                output[row] = factor * Double(Int(dot) - zeroPoint * rowSums[row])
            }
        }
    }

    /// The projection of one tensor, allocating (for the bundle builder).
    public func project(_ tensor: [UInt8]) -> [Double] {
        var output = [Double](repeating: 0, count: k)
        tensor.withUnsafeBytes { bytes in output.withUnsafeMutableBufferPointer { project(bytes, into: $0) } }
        return output
    }
}
