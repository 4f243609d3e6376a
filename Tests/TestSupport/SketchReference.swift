/// Float reference implementations of the drift sketch statistics, written from their documented definitions
/// (docs/agent.md "Drift sketches") without the production code, and seeded baseline tensors to feed them.
public enum SketchReference {
    /// `count` int8 NHWC tensors of `shape` with a different brightness and contrast each (some saturating).
    public static func int8Tensors(shape: [Int], count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        let elements = shape.reduce(1, *)
        return (0..<count).map { index in
            let centre = Double(Int(generator.next() % 160)) - 80
            let spread = 10 + Double(generator.next() % 120) + (index % 4 == 0 ? 80 : 0)
            return (0..<elements).map { _ in
                let u = Double(generator.next() >> 11) / Double(1 << 53) - 0.5
                let q = (centre + spread * u * 2).rounded()
                return UInt8(bitPattern: Int8(min(max(q, -128), 127)))
            }
        }
    }

    /// Per-channel mean and population standard deviation (two passes), saturated fraction, and the mean absolute
    /// difference of horizontally adjacent values of the same channel; all on dequantised values.
    public static func inputStatistics(_ tensor: [UInt8], shape: [Int], scale: Double, zeroPoint: Int) -> [Double] {
        let channels = shape.count >= 3 ? shape[shape.count - 1] : 1
        let width = shape.count >= 3 ? shape[shape.count - 2] : tensor.count
        let rows = tensor.count / (channels * width)
        let q = tensor.map { Int(Int8(bitPattern: $0)) }
        let x = q.map { scale * Double($0 - zeroPoint) }
        var result: [Double] = []
        for c in 0..<channels {
            let values = stride(from: c, to: x.count, by: channels).map { x[$0] }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            result += [mean, variance.squareRoot()]
        }
        result.append(Double(q.filter { $0 == -128 || $0 == 127 }.count) / Double(q.count))
        var energy = 0.0
        for r in 0..<rows {
            for w in 1..<max(width, 1) {
                for c in 0..<channels {
                    let i = (r * width + w) * channels + c
                    energy += abs(x[i] - x[i - channels])
                }
            }
        }
        result.append(width > 1 ? energy / Double(rows * (width - 1) * channels) : 0)
        return result
    }

    /// `y_j = Σ_i R[j][i] · x_i / √k`, `x` dequantised int8, `R` ±1 from SplitMix64 seeded with `seed`
    /// (one draw per entry, row-major, +1 when the top bit is 0).
    public static func projection(_ tensor: [UInt8], k: Int, seed: UInt32, scale: Double, zeroPoint: Int) -> [Double] {
        var generator = SeededGenerator(seed: UInt64(seed))
        let x = tensor.map { scale * Double(Int(Int8(bitPattern: $0)) - zeroPoint) }
        return (0..<k).map { _ in
            var sum = 0.0
            for value in x { sum += (generator.next() >> 63 == 0 ? 1.0 : -1.0) * value }
            return sum / Double(k).squareRoot()
        }
    }
}
