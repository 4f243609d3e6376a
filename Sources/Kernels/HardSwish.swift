// HARD_SWISH on 8-bit tensors: activations.cc HardSwishPrepare and reference/hard_swish.h.
// x · relu6(x + 3) / 6 computed in int16 fixed point: the input is moved to a "hires" scale (×128), a
// "reluish" factor in [0, 1] is derived from it, and the two are multiplied and shifted to the output scale.

/// Prepared parameters of quantised HARD_SWISH.
public struct HardSwishParameters: Sendable, Equatable {
    /// Zero points of the input and output tensors.
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32
    /// hires_input_scale / output_scale as a Q15 multiplier and an exponent (≤ 0).
    public var outputMultiplierFixedpoint: Int16
    public var outputMultiplierExponent: Int32
    /// hires_input_scale / (3 / 32768) as a Q15 multiplier and an exponent of either sign.
    public var reluishMultiplierFixedpoint: Int16
    public var reluishMultiplierExponent: Int32

    /// TFLite's HardSwishPrepare; throws when the output multiplier needs a left shift, as TFLite does.
    ///
    /// The real multipliers are divided in single precision (TFLite declares them `float`) and only then
    /// widened for QuantizeMultiplier; the Q31 results are rounded down to Q15.
    public init(inputScale: Float, inputZeroPoint: Int32,
                outputScale: Float, outputZeroPoint: Int32) throws(KernelPreparationError) {
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        let hiresInputScale: Float = (1.0 / 128.0) * inputScale
        let reluishScale: Float = 3.0 / 32768.0
        let outputMultiplier: Float = hiresInputScale / outputScale
        let output = QuantizedMultiplier(Double(outputMultiplier))
        guard output.shift <= 0 else {
            throw .unsupported("HARD_SWISH needs input_scale / (128 * output_scale) < 1, got \(outputMultiplier)")
        }
        outputMultiplierFixedpoint = downScaleInt32ToInt16Multiplier(output.multiplier)
        outputMultiplierExponent = output.shift
        let reluishMultiplier: Float = hiresInputScale / reluishScale
        let reluish = QuantizedMultiplier(Double(reluishMultiplier))
        reluishMultiplierFixedpoint = downScaleInt32ToInt16Multiplier(reluish.multiplier)
        reluishMultiplierExponent = reluish.shift
    }
}

/// Quantised HARD_SWISH, TFLite's reference arithmetic step by step in int16.
///
/// `input` and `output` hold `count` elements; they may be the same buffer.
@inlinable
public func hardSwish<T: Quantized8BitInteger>(
    _ p: HardSwishParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>, count: Int
) {
    for i in 0..<count {
        let inputValue = Int16(truncatingIfNeeded: Int32(input[i]) - p.inputZeroPoint)
        // ±255 · 128 fits in int16: the most headroom the fixed-point steps below can use.
        let hiresInput = Int16(truncatingIfNeeded: Int32(inputValue) * 128)
        let preshiftOutput = saturatingRoundingDoublingHighMul(hiresInput, p.outputMultiplierFixedpoint)
        var reluish = hiresInput
        // Left shift by all but one bit, multiply, then the last bit: saturation in the first shift cannot
        // reach the result, saturation in the last one is the intended clamp at ±3.
        if p.reluishMultiplierExponent > 0 {
            reluish = saturatingLeftShift(reluish, p.reluishMultiplierExponent - 1)
        }
        reluish = saturatingRoundingDoublingHighMul(reluish, p.reluishMultiplierFixedpoint)
        if p.reluishMultiplierExponent > 0 {
            reluish = saturatingLeftShift(reluish, 1)
        }
        if p.reluishMultiplierExponent < 0 {
            reluish = roundingDivideByPOT(reluish, -p.reluishMultiplierExponent)
        }
        // [-1, 1] → [0, 1] in Q15.
        reluish = Int16(truncatingIfNeeded: (Int32(reluish) + (1 << 15)) >> 1)
        // The truncating multiply cancels the bias of the rounding one above (TFLite measured it).
        let preshiftResult = saturatingDoublingHighMul(reluish, preshiftOutput)
        var result = roundingDivideByPOT(preshiftResult, -p.outputMultiplierExponent)
        result = Int16(truncatingIfNeeded: Int32(result) + p.outputZeroPoint)
        let clamped = Swift.max(Swift.min(Int32(result), Int32(T.max)), Int32(T.min))
        output[i] = T(truncatingIfNeeded: clamped)
    }
}
