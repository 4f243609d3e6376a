// LEAKY_RELU on 8-bit tensors: activations.cc LeakyReluPrepare and reference/leaky_relu.h.

/// Prepared parameters of quantised LEAKY_RELU.
public struct LeakyReluParameters: Sendable, Equatable {
    /// Zero points of the input and output tensors.
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32
    /// input_scale · alpha / output_scale, for negative inputs (its multiplier is negative when alpha is).
    public var alphaMultiplier: QuantizedMultiplier
    /// input_scale / output_scale, for non-negative inputs.
    public var identityMultiplier: QuantizedMultiplier

    /// TFLite's LeakyReluPrepare.
    ///
    /// Both real multipliers are float expressions in TFLite (`s_in * alpha / s_out`, `s_in / s_out`), rounded to
    /// float before QuantizeMultiplier widens them.
    public init(alpha: Float, inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) {
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        let alphaReal: Float = inputScale * alpha / outputScale
        let identityReal: Float = inputScale / outputScale
        alphaMultiplier = QuantizedMultiplier(Double(alphaReal))
        identityMultiplier = QuantizedMultiplier(Double(identityReal))
    }
}

/// Quantised LEAKY_RELU: identity rescale for x ≥ zero point, alpha rescale below; clamped to the type.
///
/// `input` and `output` hold `count` elements; they may be the same buffer.
@inlinable
public func leakyRelu<T: Quantized8BitInteger>(
    _ p: LeakyReluParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>, count: Int
) {
    // Current LiteRT rescales by |alpha| and negates afterwards, so negative alphas round symmetrically.
    let alphaIsNegative = p.alphaMultiplier.multiplier < 0
    let alphaMagnitude = alphaIsNegative ? 0 &- p.alphaMultiplier.multiplier : p.alphaMultiplier.multiplier
    let lo = Int32(T.min), hi = Int32(T.max)
    for i in 0..<count {
        let x = Int32(input[i]) - p.inputZeroPoint
        var y = p.outputZeroPoint
        if x >= 0 {
            y &+= multiplyByQuantizedMultiplier(x, p.identityMultiplier.multiplier, p.identityMultiplier.shift)
        } else {
            let scaled = multiplyByQuantizedMultiplier(x, alphaMagnitude, p.alphaMultiplier.shift)
            y &+= alphaIsNegative ? 0 &- scaled : scaled
        }
        output[i] = clampNarrow(y, lo, hi)
    }
}
