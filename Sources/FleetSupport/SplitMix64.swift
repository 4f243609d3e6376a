/// A small, fast, seeded random number generator (Steele, Lea and Flood's SplitMix64).
///
/// The one seeded generator of the package: the trainer, the simulated fleet, the drift scenarios, the embedding
/// projection, the agent's capture sampling and the tests all draw from it, so a seed gives the same values on
/// every platform and every Swift release (the standard library's generators and shuffles promise neither).
/// Value type: copies continue the same sequence independently. Module-specific draws (the trainer's `uniform`,
/// Drift's Gaussian, FleetSim's `normal`) are extensions in their modules, each keeping its own algorithm.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The golden-ratio increment of the state (2⁶⁴/φ, odd). Computed, so the hot path needs no lazy global.
    @inlinable public static var increment: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    @usableFromInline var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    @inlinable public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    @inlinable public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
