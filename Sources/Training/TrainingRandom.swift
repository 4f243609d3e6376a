/// The trainer's random source: SplitMix64, so a seed gives the same model on every machine.
///
/// The standard library's shuffles and `Float.random(in:using:)` are not promised stable across releases,
/// so the trainer draws through `shuffle` and `uniform` here instead.
public struct TrainingRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float uniform in [lo, hi), from the top 24 bits.
    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
        let unit = Float(next() >> 40) * (1.0 / 16_777_216.0)
        return lo + (hi - lo) * unit
    }

    /// An integer uniform in 0..<bound (Lemire's multiply-shift; the bias is negligible for data-set sizes).
    public mutating func below(_ bound: Int) -> Int {
        Int((UInt64(truncatingIfNeeded: next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }
}
