/// Baseline of the summary statistics of a tensor input (images, spectrograms) that is not one feature per element.
///
/// The device computes, for each input, every channel's mean and standard deviation, the fraction of saturated
/// values and the mean absolute difference between horizontally adjacent values (an energy / sharpness measure),
/// all dequantised (``InputStatisticsKernel``), and counts each on the quantile bins of `features`.
public struct InputStatisticsBaseline: Codable, Sendable, Equatable {
    /// Which model input the statistics describe (always 0 today: sketches need a single-input model).
    public var input: Int
    /// Channels: the input's last dimension when it has rank 3 or more, else 1.
    public var channels: Int
    /// One histogram per statistic, in ``InputStatisticsKernel/statisticNames(channels:)`` order:
    /// `input.c<i>.mean`, `input.c<i>.std` for each channel, then `input.saturated`, `input.energy`.
    public var features: [FeatureHistogram]

    public init(input: Int, channels: Int, features: [FeatureHistogram]) {
        self.input = input
        self.channels = channels
        self.features = features
    }

    func validate() throws(BundleError) {
        guard input == 0, channels >= 1,
              features.map(\.name) == InputStatisticsKernel.statisticNames(channels: channels) else {
            throw BundleError(.malformed, "baseline input statistics: expected input 0 and the statistics of \(channels) channels, " +
                              "got input \(input) and \(features.map(\.name).prefix(6).joined(separator: ", "))")
        }
        for feature in features { try feature.validate() }
    }
}
