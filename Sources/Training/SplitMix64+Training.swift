import FleetSupport

/// The trainer's random source: the package's SplitMix64, so a seed gives the same model on every machine.
///
/// The standard library's shuffles and `Float.random(in:using:)` are not promised stable across releases,
/// so the trainer draws through `shuffle` and `uniform` here instead.
public typealias TrainingRandom = SplitMix64

extension SplitMix64 {
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
