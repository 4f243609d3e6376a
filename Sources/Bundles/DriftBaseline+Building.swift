extension DriftBaseline {
    /// Histograms each feature column on `bins` equal-width bins spanning its observed range.
    public static func build(table: BaselineTable, featureColumns: [String], predictions: [Int], classCount: Int,
                             predictionSource: String, bins: Int) throws(BundleError) -> DriftBaseline {
        guard (1...1024).contains(bins) else { throw BundleError(.invalidInput, "bins must be between 1 and 1024, not \(bins)") }
        guard !featureColumns.isEmpty else { throw BundleError(.invalidInput, "the baseline needs at least one feature column") }
        var features: [FeatureHistogram] = []
        for column in featureColumns {
            let values = try table.numbers(in: column)
            var low = values.min() ?? 0
            var high = values.max() ?? 0
            if low == high { low -= 0.5; high += 0.5 }
            let width = (high - low) / Double(bins)
            var edges = (0...bins).map { low + Double($0) * width }
            edges[bins] = high
            var histogram = FeatureHistogram(name: column, edges: edges, counts: Array(repeating: 0, count: bins))
            for value in values {
                if let bin = histogram.binIndex(for: value) { histogram.counts[bin] += 1 }
            }
            try histogram.validate()
            features.append(histogram)
        }
        var counts = Array(repeating: 0, count: classCount)
        for prediction in predictions {
            guard counts.indices.contains(prediction) else {
                throw BundleError(.invalidInput, "predicted class \(prediction) is outside the model's \(classCount) classes")
            }
            counts[prediction] += 1
        }
        return DriftBaseline(sampleCount: table.rows.count, features: features,
                             predictions: ClassDistribution(counts: counts, source: predictionSource))
    }
}
