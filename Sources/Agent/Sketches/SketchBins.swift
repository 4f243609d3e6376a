import Bundles

/// The baseline bins of a group of sketch statistics, flattened for the per-inference path.
///
/// Immutable after `init`; counting reads the tables only, so it allocates nothing. A value beyond the outer
/// edges, or in a bin whose baseline count is zero, is an outlier (it feeds drift-driven capture).
struct SketchBins: Sendable {
    let names: [String]
    let binCounts: [Int]
    let totalBins: Int
    /// First bin of each statistic within the group.
    private let binOffsets: [Int]
    private let edges: [Double]
    private let edgeOffsets: [Int]
    private let emptyBin: [Bool]

    init(_ histograms: [FeatureHistogram]) {
        names = histograms.map(\.name)
        binCounts = histograms.map(\.counts.count)
        var binOffsets: [Int] = []
        var edges: [Double] = []
        var edgeOffsets: [Int] = []
        var emptyBin: [Bool] = []
        var total = 0
        for histogram in histograms {
            binOffsets.append(total)
            total += histogram.counts.count
            edgeOffsets.append(edges.count)
            edges += histogram.edges
            emptyBin += histogram.counts.map { $0 == 0 }
        }
        self.totalBins = total
        self.binOffsets = binOffsets
        self.edges = edges
        self.edgeOffsets = edgeOffsets
        self.emptyBin = emptyBin
    }

    /// Counts `value` of statistic `index` into `counts` at `base` + its bin; 1 when the value is an outlier, else 0.
    /// NaN counts nowhere and is an outlier.
    func count(_ value: Double, statistic index: Int, into counts: UnsafeMutableBufferPointer<UInt64>, base: Int) -> Int {
        guard !value.isNaN else { return 1 }
        let first = edgeOffsets[index]
        let binCount = binCounts[index]
        // First edge greater than the value, minus one (as FeatureHistogram.binIndex).
        var low = 0, high = binCount + 1
        while low < high {
            let middle = (low + high) / 2
            if edges[first + middle] <= value { low = middle + 1 } else { high = middle }
        }
        let bin = min(max(low - 1, 0), binCount - 1)
        let flat = binOffsets[index] + bin
        counts[base + flat] &+= 1
        return value < edges[first] || value > edges[first + binCount] || emptyBin[flat] ? 1 : 0
    }
}
