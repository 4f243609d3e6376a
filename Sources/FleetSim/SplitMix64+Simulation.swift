import FleetSupport

/// The simulated fleet's random source: the package's SplitMix64, so a simulated fleet is reproducible from its seed.
public typealias SimulationRandom = SplitMix64

extension SplitMix64 {
    /// A roughly normal value (sum of uniforms) with the given mean and standard deviation.
    public mutating func normal(mean: Double, deviation: Double) -> Double {
        var sum = 0.0
        for _ in 0..<6 { sum += Double.random(in: 0..<1, using: &self) }
        return mean + (sum - 3) * deviation * 1.41
    }
}
