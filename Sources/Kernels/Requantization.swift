/// Per-output-channel requantisation of int32 accumulators to 8-bit outputs.
///
/// Built once at prepare time; `multipliers` and `shifts` have one entry per output channel (or one, repeated).
public struct ChannelRequantization: Sendable {
    public var multipliers: [Int32]
    public var shifts: [Int32]
    public var outputZeroPoint: Int32
    public var outputMin: Int32
    public var outputMax: Int32
    /// When set, accumulators are scaled in double and rounded half away from zero instead of by the
    /// fixed-point multipliers: the reference FULLY_CONNECTED kernels that take float scales do this.
    public var doubleScales: [Double]?

    /// Derives per-channel multipliers from float scales as TFLite does.
    ///
    /// TFLite has two formulas: per-channel set-up (`PopulateConvolutionQuantizationParams`) multiplies the
    /// scales in double; the per-tensor `GetQuantizedConvolutionMultipler` (uint8 kernels, per-tensor
    /// FULLY_CONNECTED) multiplies them in float first. `floatProduct` selects the latter; the results
    /// differ in the last bit of the multiplier often enough to matter.
    public init(inputScale: Float, filterScales: [Float], outputScale: Float, channels: Int,
                outputZeroPoint: Int32, outputMin: Int32, outputMax: Int32, floatProduct: Bool = false) {
        var m = [Int32](repeating: 0, count: channels)
        var s = [Int32](repeating: 0, count: channels)
        for c in 0..<channels {
            let filterScale = filterScales.count == 1 ? filterScales[0] : filterScales[c]
            let product = floatProduct ? Double(inputScale * filterScale) : Double(inputScale) * Double(filterScale)
            let effective = product / Double(outputScale)
            let q = QuantizedMultiplier(effective)
            m[c] = q.multiplier
            s[c] = q.shift
        }
        self.multipliers = m
        self.shifts = s
        self.outputZeroPoint = outputZeroPoint
        self.outputMin = outputMin
        self.outputMax = outputMax
        self.doubleScales = nil
    }

    /// The double-precision form used by TFLite's float-scale FULLY_CONNECTED reference kernels:
    /// round(acc × in_scale × filter_scale[c] / out_scale), each scale widened to double first.
    public init(doubleScalesWithInputScale inputScale: Float, filterScales: [Float], outputScale: Float, channels: Int,
                outputZeroPoint: Int32, outputMin: Int32, outputMax: Int32) {
        self.init(inputScale: inputScale, filterScales: filterScales, outputScale: outputScale, channels: channels,
                  outputZeroPoint: outputZeroPoint, outputMin: outputMin, outputMax: outputMax)
        self.doubleScales = (0..<channels).map { c in
            let filterScale = filterScales.count == 1 ? filterScales[0] : filterScales[c]
            return Double(inputScale) * Double(filterScale) / Double(outputScale)
        }
    }

    /// Requantises one accumulator for channel `c`.
    @inlinable @inline(__always)
    public func apply(_ acc: Int32, channel c: Int) -> Int32 {
        var v = multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]) &+ outputZeroPoint
        v = max(v, outputMin)
        v = min(v, outputMax)
        return v
    }
}
