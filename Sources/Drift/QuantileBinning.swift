/// Quantile bins from a baseline's raw values, and counting values into them.
///
/// Edges are order statistics of the baseline (edge k is the value at rank ⌈k·n/B⌉), deduplicated, and an edge
/// equal to the baseline's maximum is dropped: so every bin holds at least one baseline value, ties fall into one
/// bin, and a feature with few distinct values gets fewer bins. A constant feature has no edges and is rejected.
public enum QuantileBinning {
    /// Interior edges for at most `bins` quantile bins of `values` (finite values; at least one).
    /// - Throws: `constantFeature` when the values have a single distinct value, `empty`, `nonFinite`.
    public static func edges(_ values: [Double], bins: Int, feature: String = "feature") throws -> [Double] {
        guard bins >= 2 else { throw DriftError(.invalidPolicy, "\(feature): at least 2 bins are needed (got \(bins))") }
        guard !values.isEmpty else { throw DriftError(.empty, "\(feature): the baseline has no values") }
        if let bad = values.first(where: { !$0.isFinite }) {
            throw DriftError(.nonFinite, "\(feature): the baseline contains \(bad); remove or impute non-finite values")
        }
        let sorted = values.sorted()
        let n = sorted.count
        let maximum = sorted[n - 1]
        var result = [Double]()
        for k in 1..<bins {
            let rank = (k * n + bins - 1) / bins  // ⌈k·n/B⌉, 1-based
            let edge = sorted[max(0, rank - 1)]
            if edge < maximum && (result.last.map { edge > $0 } ?? true) { result.append(edge) }
        }
        if result.isEmpty {
            throw DriftError(.constantFeature, "\(feature): the baseline is constant (\(maximum)); drift of a constant feature cannot be measured on quantile bins, drop the feature or use a baseline with variation")
        }
        return result
    }

    /// The bin of `value`: the number of edges strictly below it (bin i is (edges[i−1], edges[i]]).
    @inlinable
    public static func bin(of value: Double, edges: [Double]) -> Int {
        var low = 0, high = edges.count
        while low < high {
            let mid = (low + high) / 2
            if edges[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Counts of `values` in the bins of `edges`. Non-finite values are the caller's to reject first.
    public static func counts(_ values: [Double], edges: [Double]) -> [Double] {
        var counts = [Double](repeating: 0, count: edges.count + 1)
        for value in values { counts[bin(of: value, edges: edges)] += 1 }
        return counts
    }

    /// A baseline histogram of raw values: quantile edges, counts, the mean within each bin as its centre and the
    /// raw standard deviation.
    public static func baselineHistogram(name: String, values: [Double], bins: Int) throws -> DriftHistogram {
        let edges = try edges(values, bins: bins, feature: name)
        var counts = [Double](repeating: 0, count: edges.count + 1)
        var sums = counts
        var total = 0.0
        for value in values {
            let b = bin(of: value, edges: edges)
            counts[b] += 1
            sums[b] += value
            total += value
        }
        let mean = total / Double(values.count)
        var squares = 0.0
        for value in values { squares += (value - mean) * (value - mean) }
        let centres = counts.indices.map { sums[$0] / counts[$0] }
        return DriftHistogram(name: name, edges: edges, counts: counts, centres: centres,
                                standardDeviation: (squares / Double(values.count)).squareRoot())
    }
}
