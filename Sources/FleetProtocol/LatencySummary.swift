/// Inference latency over an interval, in microseconds, from an HDR histogram (3 significant digits).
public struct LatencySummary: Codable, Sendable, Equatable {
    public var count: UInt64
    public var minMicros: UInt64
    public var meanMicros: Double
    public var p50Micros: UInt64
    public var p95Micros: UInt64
    public var p99Micros: UInt64
    public var maxMicros: UInt64
    /// The histogram itself: `[upper bound µs, count]` for every non-empty bucket, ascending.
    public var buckets: [[UInt64]]

    public init(count: UInt64, minMicros: UInt64, meanMicros: Double, p50Micros: UInt64, p95Micros: UInt64,
                p99Micros: UInt64, maxMicros: UInt64, buckets: [[UInt64]]) {
        self.count = count
        self.minMicros = minMicros
        self.meanMicros = meanMicros
        self.p50Micros = p50Micros
        self.p95Micros = p95Micros
        self.p99Micros = p99Micros
        self.maxMicros = maxMicros
        self.buckets = buckets
    }

    /// No inference in the interval.
    public static let empty = LatencySummary(count: 0, minMicros: 0, meanMicros: 0, p50Micros: 0, p95Micros: 0,
                                             p99Micros: 0, maxMicros: 0, buckets: [])
}
