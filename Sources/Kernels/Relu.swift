// Standalone RELU, RELU6, RELU_N1_TO_1 (and RELU_0_TO_1) on 8-bit tensors: activations.cc ReluPrepare and
// QuantizedReluX, kernel ReluX. Input and output may have different scales, so the kernel rescales first.

/// Which clamp a standalone quantised ReLU applies, in real terms.
public enum ReluKind: Sendable, Equatable {
    /// RELU: [0, +∞).
    case relu
    /// RELU6: [0, 6].
    case relu6
    /// RELU_N1_TO_1: [-1, 1].
    case reluN1To1
    /// RELU_0_TO_1: [0, 1].
    case relu0To1

    @inlinable var bounds: (min: Float, max: Float) {
        switch self {
        case .relu: return (0, .infinity)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        case .relu0To1: return (0, 1)
        }
    }
}

/// Prepared parameters of quantised RELU / RELU6 / RELU_N1_TO_1 / RELU_0_TO_1.
public struct ReluParameters: Sendable, Equatable {
    /// Zero points of the input and output tensors.
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32
    /// input_scale / output_scale.
    public var multiplier: QuantizedMultiplier
    /// The clamp in the output's quantised domain, already intersected with the type's range.
    public var outputMin: Int32
    public var outputMax: Int32

    /// TFLite's ReluPrepare plus the bounds QuantizedReluX computes at eval time.
    ///
    /// The multiplier is the float quotient `s_in / s_out` widened to double; each bound is
    /// `zp_out + (int32)roundf(bound / s_out)` in float, an infinite upper bound meaning the type's maximum.
    public init(kind: ReluKind, type: QuantizedType, inputScale: Float, inputZeroPoint: Int32,
                outputScale: Float, outputZeroPoint: Int32) {
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        let real: Float = inputScale / outputScale
        multiplier = QuantizedMultiplier(Double(real))
        let (lo, hi) = kind.bounds
        outputMin = Swift.max(type.min, outputZeroPoint &+ truncatingInt32(roundHalfAwayFromZero(lo / outputScale)))
        outputMax = hi == .infinity
            ? type.max
            : Swift.min(type.max, outputZeroPoint &+ truncatingInt32(roundHalfAwayFromZero(hi / outputScale)))
    }
}

/// Quantised standalone ReLU family: rescale to the output scale, then clamp.
///
/// `input` and `output` hold `count` elements; they may be the same buffer.
@inlinable
public func relu<T: Quantized8BitInteger>(
    _ p: ReluParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>, count: Int
) {
    for i in 0..<count {
        let x = Int32(input[i]) - p.inputZeroPoint
        let y = p.outputZeroPoint &+ multiplyByQuantizedMultiplier(x, p.multiplier.multiplier, p.multiplier.shift)
        output[i] = clampNarrow(y, p.outputMin, p.outputMax)
    }
}
