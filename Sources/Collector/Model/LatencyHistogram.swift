import Foundation

/// A mergeable latency histogram on fixed logarithmic buckets, eight per power of two (about 9 % wide).
///
/// Devices report HDR histograms with buckets of their own; folding them onto fixed buckets lets the
/// collector add reports across devices and intervals and still answer quantiles within one bucket's width.
public struct LatencyHistogram: Sendable, Equatable {
    /// Buckets per doubling of latency.
    public static let bucketsPerOctave = 8
    /// Enough buckets for 2⁴⁰ µs (12 days): nothing a device reports is larger.
    public static let bucketCount = 40 * bucketsPerOctave + 1

    /// Counts by bucket index (empty until the first sample); bucket `i` holds latencies in
    /// (2^((i-1)/8), 2^(i/8)] µs, bucket 0 holds ≤ 1 µs.
    public private(set) var counts: [UInt64] = []

    public init() {}

    /// The bucket a latency in microseconds falls into.
    public static func bucket(forMicros micros: UInt64) -> Int {
        guard micros > 1 else { return 0 }
        let index = Int((log2(Double(micros)) * Double(bucketsPerOctave)).rounded(.up))
        return min(max(index, 0), bucketCount - 1)
    }

    /// The upper bound of bucket `index`, in microseconds.
    public static func upperBound(ofBucket index: Int) -> Double {
        exp2(Double(index) / Double(bucketsPerOctave))
    }

    public var isEmpty: Bool { counts.isEmpty }

    /// Total number of samples.
    public var totalCount: UInt64 { counts.reduce(0, &+) }

    /// Adds `count` samples of `micros`.
    public mutating func add(micros: UInt64, count: UInt64) {
        guard count > 0 else { return }
        if counts.isEmpty { counts = [UInt64](repeating: 0, count: Self.bucketCount) }
        counts[Self.bucket(forMicros: micros)] &+= count
    }

    /// Adds a device's `[upper bound µs, count]` buckets.
    public mutating func add(reportBuckets: [[UInt64]]) {
        for pair in reportBuckets where pair.count == 2 {
            add(micros: pair[0], count: pair[1])
        }
    }

    /// Adds every sample of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard !other.counts.isEmpty else { return }
        guard !counts.isEmpty else {
            counts = other.counts
            return
        }
        for index in 0..<Self.bucketCount { counts[index] &+= other.counts[index] }
    }

    /// The latency below which `quantile` (0…1) of the samples lie, in microseconds; nil when empty.
    public func quantile(_ quantile: Double) -> Double? {
        let total = totalCount
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((Double(total) * min(max(quantile, 0), 1)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen &+= count
            if seen >= rank { return Self.upperBound(ofBucket: index) }
        }
        return nil
    }

    /// A compact binary form for storage: (UInt16 index, UInt64 count) little-endian pairs of non-empty buckets.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        for (index, count) in counts.enumerated() where count > 0 {
            let i = UInt16(index)
            bytes.append(UInt8(i & 0xFF))
            bytes.append(UInt8(i >> 8))
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: count >> UInt64(shift))) }
        }
        return bytes
    }

    /// Restores ``encoded``; trailing partial pairs and out-of-range indices are ignored.
    public init(encoded bytes: [UInt8]) {
        var offset = 0
        while offset + 10 <= bytes.count {
            let index = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            var count: UInt64 = 0
            for k in 0..<8 { count |= UInt64(bytes[offset + 2 + k]) << UInt64(8 * k) }
            if index < Self.bucketCount {
                if counts.isEmpty { counts = [UInt64](repeating: 0, count: Self.bucketCount) }
                counts[index] &+= count
            }
            offset += 10
        }
    }
}
