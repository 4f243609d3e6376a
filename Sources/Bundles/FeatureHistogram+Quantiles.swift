extension FeatureHistogram {
    /// A histogram of `values` on `bins` quantile bins: edge i is the i/bins quantile (linear interpolation
    /// between order statistics), so each bin holds about the same share of the baseline.
    ///
    /// Equal quantiles (ties, mostly-zero statistics) merge, so there may be fewer bins than asked; a value that
    /// holds several quantiles (a point mass) keeps a narrow bin of its own, [v, v + max(|v|, 1)·10⁻⁹). A constant
    /// statistic c gets three bins, below / at / above: edges c − w, c − w·10⁻⁶, c + w·10⁻⁶, c + w with
    /// w = max(|c|, 1); its baseline counts all sit in the middle one. A NaN or infinite value throws,
    /// naming the statistic and the sample.
    public static func quantiles(name: String, values: [Double], bins: Int) throws(BundleError) -> FeatureHistogram {
        guard (1...1024).contains(bins) else { throw BundleError(.invalidInput, "bins must be between 1 and 1024, not \(bins)") }
        guard !values.isEmpty else { throw BundleError(.invalidInput, "baseline statistic '\(name)' has no samples") }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw BundleError(.invalidInput,
                "baseline statistic '\(name)' is \(values[bad]) for baseline sample \(bad + 1): the baseline data holds NaN or infinite values; remove or fix that sample")
        }
        let sorted = values.sorted()
        var edges: [Double] = []
        var tied: [Double] = []
        for i in 0...bins {
            let position = Double(i) * Double(sorted.count - 1) / Double(bins)
            let lower = Int(position.rounded(.down))
            let upper = Swift.min(lower + 1, sorted.count - 1)
            let fraction = position - Double(lower)
            let edge = fraction == 0 ? sorted[lower] : sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
            if let last = edges.last, edge <= last {
                if tied.last != last { tied.append(last) }
                continue
            }
            edges.append(edge)
        }
        // A value holding several quantiles is a point mass (e.g. no saturated pixel in most images): it gets a bin
        // of its own, [v, v + w·10⁻⁹), so a live value just above it is told apart.
        for value in tied {
            guard let index = edges.firstIndex(of: value), index + 1 < edges.count else { continue }
            let split = value + Swift.max(abs(value), 1) * 1e-9
            if split < edges[index + 1] { edges.insert(split, at: index + 1) }
        }
        if edges.count < 2 {
            let constant = sorted[0]
            let width = Swift.max(abs(constant), 1)
            edges = [constant - width, constant - width * 1e-6, constant + width * 1e-6, constant + width]
        } else {
            edges[edges.count - 1] = sorted[sorted.count - 1]
        }
        var histogram = FeatureHistogram(name: name, edges: edges, counts: Array(repeating: 0, count: edges.count - 1))
        for value in values {
            if let bin = histogram.binIndex(for: value) { histogram.counts[bin] += 1 }
        }
        try histogram.validate()
        return histogram
    }
}
