import Bundles
import Runtime

/// Per-inference input statistics (per-channel mean and standard deviation, saturation, energy) binned on the
/// baseline's quantile edges.
///
/// Used by the inference thread only. ``measure(_:)`` computes the statistics into buffers allocated once in
/// `init` (run it before `invoke`: the arena reuses input memory); ``record(into:base:)`` bins them.
final class InputSketch {
    let bins: SketchBins
    private let kernel: InputStatisticsKernel
    private let scratch: UnsafeMutableBufferPointer<Int64>
    private let values: UnsafeMutableBufferPointer<Double>

    /// Nil when the baseline's statistics do not describe `input` (another shape or a float input).
    init?(baseline: InputStatisticsBaseline, input: TensorInfo) {
        guard let kernel = try? InputStatisticsKernel(shape: input.shape, dtype: input.type.name, scale: input.scale, zeroPoint: input.zeroPoint),
              kernel.channels == baseline.channels, baseline.features.count == kernel.statisticCount else { return nil }
        self.kernel = kernel
        self.bins = SketchBins(baseline.features)
        scratch = .allocate(capacity: kernel.scratchCount)
        scratch.initialize(repeating: 0)
        values = .allocate(capacity: kernel.statisticCount)
        values.initialize(repeating: 0)
    }

    deinit {
        scratch.deallocate()
        values.deallocate()
    }

    /// The statistics of the input tensor's bytes, kept for ``record(into:base:)``.
    func measure(_ input: UnsafeRawBufferPointer) {
        kernel.compute(input, scratch: scratch, into: values)
    }

    /// Counts the last measured statistics into `counts` from `base`; returns how many were outliers.
    func record(into counts: UnsafeMutableBufferPointer<UInt64>, base: Int) -> Int {
        var outliers = 0
        for index in 0..<values.count { outliers &+= bins.count(values[index], statistic: index, into: counts, base: base) }
        return outliers
    }

}
