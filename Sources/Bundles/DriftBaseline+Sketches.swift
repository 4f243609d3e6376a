extension DriftBaseline {
    /// Input statistics of every baseline tensor, each statistic on `bins` quantile bins.
    public static func inputStatistics(of tensors: [[UInt8]], input: TensorSchema, bins: Int) throws(BundleError) -> InputStatisticsBaseline {
        let kernel = try InputStatisticsKernel(shape: input.shape, dtype: input.dtype, scale: input.scale, zeroPoint: input.zeroPoint)
        let rows = try statistics(of: tensors, width: kernel.statisticCount, bytes: kernel.byteCount, what: "input") { kernel.compute($0) }
        let names = InputStatisticsKernel.statisticNames(channels: kernel.channels)
        var features: [FeatureHistogram] = []
        for (column, name) in names.enumerated() {
            features.append(try FeatureHistogram.quantiles(name: name, values: rows.map { $0[column] }, bins: bins))
        }
        return InputStatisticsBaseline(input: 0, channels: kernel.channels, features: features)
    }

    /// Random projections of the embedding tensor's activations (one per baseline sample), on quantile bins.
    public static func embedding(of activations: [[UInt8]], tensor: TensorSchema, tensorIndex: Int, k: Int, seed: UInt32,
                                 bins: Int) throws(BundleError) -> EmbeddingBaseline {
        guard let dimension = tensor.elementCount, dimension > 0 else {
            throw BundleError(.invalidInput, "embedding tensor '\(tensor.name)' has no known size (shape \(tensor.shape))")
        }
        let projection = try EmbeddingProjection(dimension: dimension, k: k, seed: seed, dtype: tensor.dtype,
                                                 scale: tensor.scale, zeroPoint: tensor.zeroPoint)
        let rows = try statistics(of: activations, width: k, bytes: dimension, what: "embedding tensor '\(tensor.name)'") { projection.project($0) }
        var features: [FeatureHistogram] = []
        for (column, name) in EmbeddingBaseline.featureNames(k: k).enumerated() {
            features.append(try FeatureHistogram.quantiles(name: name, values: rows.map { $0[column] }, bins: bins))
        }
        return EmbeddingBaseline(tensor: tensor.name, tensorIndex: tensorIndex, dimension: dimension, k: k, seed: seed, features: features)
    }

    private static func statistics(of tensors: [[UInt8]], width: Int, bytes: Int, what: String,
                                   _ compute: ([UInt8]) -> [Double]) throws(BundleError) -> [[Double]] {
        guard !tensors.isEmpty else { throw BundleError(.invalidInput, "the baseline has no samples") }
        var rows: [[Double]] = []
        for (index, tensor) in tensors.enumerated() {
            guard tensor.count == bytes else {
                throw BundleError(.invalidInput, "baseline sample \(index + 1): the \(what) has \(tensor.count) bytes, expected \(bytes)")
            }
            rows.append(compute(tensor))
        }
        return rows
    }
}
