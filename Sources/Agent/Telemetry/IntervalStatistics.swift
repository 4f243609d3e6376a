import FleetProtocol
import Histogram

/// What the inference loop saw during one telemetry interval with one model.
///
/// Sized once for its model (classes, baseline bins), then only counted into, so recording allocates nothing.
struct IntervalStatistics: Sendable {
    /// Confidence histogram bins over 0…1.
    static let confidenceBins = 10

    var model: BundleReference
    var featureNames: [String]
    var featureBinCounts: [Int]
    /// Milliseconds since 1970 when the interval started.
    var startedAt: Int64
    var started: ContinuousClock.Instant
    var inferences: UInt64 = 0
    var errors: UInt64 = 0
    var droppedInputs: UInt64 = 0
    /// Microseconds, 1 µs to 60 s, three significant digits.
    var latency: Histogram<UInt64>
    var predictions: [UInt64]
    var confidence: [UInt64]
    /// Flat counts of every feature's bins.
    var features: [UInt64]
    var shadow: BundleReference?
    var shadowCompared: UInt64 = 0
    var shadowAgreed: UInt64 = 0
    var captured: UInt64 = 0
    var overBudget: UInt64 = 0

    init(model: LoadedModel, startedAt: Int64, started: ContinuousClock.Instant) {
        self.model = model.reference
        self.featureNames = model.sketch?.names ?? []
        self.featureBinCounts = model.sketch.map { sketch in (0..<sketch.names.count).map(sketch.binCount) } ?? []
        self.startedAt = startedAt
        self.started = started
        self.latency = Self.makeHistogram()
        self.predictions = [UInt64](repeating: 0, count: model.classCount)
        self.confidence = [UInt64](repeating: 0, count: Self.confidenceBins)
        self.features = [UInt64](repeating: 0, count: model.sketch?.totalBins ?? 0)
    }

    static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Zeroes every count in place (keeping the storage) and starts a new interval.
    mutating func reset(startedAt: Int64, started: ContinuousClock.Instant) {
        self.startedAt = startedAt
        self.started = started
        inferences = 0
        errors = 0
        droppedInputs = 0
        latency.reset()
        for i in predictions.indices { predictions[i] = 0 }
        for i in confidence.indices { confidence[i] = 0 }
        for i in features.indices { features[i] = 0 }
        shadowCompared = 0
        shadowAgreed = 0
        captured = 0
        overBudget = 0
    }

    /// Records one successful inference.
    mutating func record(latencyMicros: UInt64, predicted: Int, score: Double) {
        inferences &+= 1
        latency.record(min(max(latencyMicros, 1), 60_000_000))
        if predicted < predictions.count { predictions[predicted] &+= 1 }
        let clamped = min(max(score, 0), 1)
        confidence[min(Int(clamped * Double(Self.confidenceBins)), Self.confidenceBins - 1)] &+= 1
    }

    /// The latency part of a telemetry report.
    var latencySummary: LatencySummary {
        guard latency.totalCount > 0 else { return .empty }
        var buckets: [[UInt64]] = []
        for value in latency.recordedValues() {
            buckets.append([latency.highestEquivalentForValue(value.value), UInt64(value.count)])
        }
        return LatencySummary(count: latency.totalCount, minMicros: latency.min, meanMicros: latency.mean,
                              p50Micros: latency.valueAtPercentile(50), p95Micros: latency.valueAtPercentile(95),
                              p99Micros: latency.valueAtPercentile(99), maxMicros: latency.max, buckets: buckets)
    }

    /// Per-feature counts for a telemetry report.
    var featureCounts: [FeatureCounts] {
        var result: [FeatureCounts] = []
        var offset = 0
        for (name, bins) in zip(featureNames, featureBinCounts) {
            result.append(FeatureCounts(name: name, counts: Array(features[offset..<(offset + bins)])))
            offset += bins
        }
        return result
    }
}
