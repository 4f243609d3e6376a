/// Per-output-channel requantisation of int32 accumulators to 8-bit outputs.
///
/// Built once at prepare time; `multipliers` and `shifts` have one entry per output channel (or one, repeated).
public struct ChannelRequantization: Sendable {
    public var multipliers: [Int32]
    public var shifts: [Int32] {
        didSet { vectorShifts = Self.vectorShifts(shifts) }
    }
    /// `shifts` split once for the vector requantisation: per group of eight channels, eight left shifts
    /// (max(shift, 0)), eight right shifts (max(−shift, 0)), eight rounding masks (2^right − 1) and eight half
    /// masks (mask >> 1); zeros past the last channel. The AVX2 kernels load them (`RequantizationLanesAVX2`)
    /// instead of deriving them from the shifts per block of pixels, which cost 91 instructions per conv tile.
    public private(set) var vectorShifts: [Int32]
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
        self.vectorShifts = Self.vectorShifts(s)
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

    /// The layout of ``vectorShifts`` for `shifts`.
    public static func vectorShifts(_ shifts: [Int32]) -> [Int32] {
        let groups = (shifts.count + 7) / 8
        var table = [Int32](repeating: 0, count: groups * 32)
        for (c, shift) in shifts.enumerated() {
            let base = (c / 8) * 32 + c % 8
            let right = Swift.max(-shift, 0)
            let mask = (Int32(1) &<< right) &- 1   // right = 31 gives Int32.max, as `vpsllvd` and the scalar form do
            table[base] = Swift.max(shift, 0)
            table[base + 8] = right
            table[base + 16] = mask
            table[base + 24] = mask &>> 1
        }
        return table
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
