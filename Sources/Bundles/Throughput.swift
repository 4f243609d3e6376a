/// Int8 compute speed of one core, the basis of latency estimates.
public struct Throughput: Codable, Sendable, Equatable {
    /// Sustained int8 multiply-accumulates per second on one core.
    public var int8MacsPerSecondPerCore: Double
    /// Fraction of linear speed-up kept per extra thread (1: perfect scaling).
    public var parallelEfficiency: Double
    /// Where the figure comes from and how it was derived.
    public var source: String

    public init(int8MacsPerSecondPerCore: Double, parallelEfficiency: Double, source: String) {
        self.int8MacsPerSecondPerCore = int8MacsPerSecondPerCore
        self.parallelEfficiency = parallelEfficiency
        self.source = source
    }
}
