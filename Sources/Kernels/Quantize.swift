// QUANTIZE (float → 8-bit, 8-bit → 8-bit requantisation) and DEQUANTIZE: quantize.cc / dequantize.cc with
// reference AffineQuantize, Requantize and Dequantize.

/// Prepared parameters of float32 → int8/uint8 QUANTIZE (per-tensor).
public struct AffineQuantizeParameters: Sendable, Equatable {
    /// The output tensor's scale and zero point.
    public var scale: Float
    public var zeroPoint: Int32

    /// The output tensor's scale and zero point.
    public init(outputScale: Float, outputZeroPoint: Int32) {
        scale = outputScale
        zeroPoint = outputZeroPoint
    }
}

/// Float32 → 8-bit QUANTIZE: `clamp(roundf(x / scale) + zp)`, the division in single precision.
///
/// Out-of-range and NaN quotients convert as AArch64 does (saturating, NaN → 0) before the zero point is added.
/// `input` holds `count` floats, `output` `count` elements.
@inlinable
public func quantize<T: Quantized8BitInteger>(
    _ p: AffineQuantizeParameters, input: UnsafePointer<Float>, output: UnsafeMutablePointer<T>, count: Int
) {
    let lo = Int32(T.min), hi = Int32(T.max)
    for i in 0..<count {
        let q = truncatingInt32(roundHalfAwayFromZero(input[i] / p.scale)) &+ p.zeroPoint
        output[i] = clampNarrow(q, lo, hi)
    }
}

/// Prepared parameters of 8-bit → 8-bit QUANTIZE (int8↔uint8, int8→int8, uint8→uint8).
public struct RequantizeParameters: Sendable, Equatable {
    /// Zero points of the input and output tensors.
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32
    /// input_scale / output_scale, from double.
    public var multiplier: QuantizedMultiplier

    /// quantize.cc Prepare: QuantizeMultiplier(double(s_in) / double(s_out)).
    public init(inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) {
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        multiplier = QuantizedMultiplier(Double(inputScale) / Double(outputScale))
    }

    /// Equal scales and zero points 128 apart across int8/uint8: TFLite flips the top bit instead.
    ///
    /// The general path gives the same bytes (the multiplier is exactly one); this is only the fast path.
    @inlinable
    func isSignFlip<In: Quantized8BitInteger, Out: Quantized8BitInteger>(_: In.Type, _: Out.Type) -> Bool {
        guard multiplier.multiplier == 1 << 30 && multiplier.shift == 1 else { return false }
        let diff = inputZeroPoint - outputZeroPoint
        return (In.self == Int8.self && Out.self == UInt8.self && diff == -128)
            || (In.self == UInt8.self && Out.self == Int8.self && diff == 128)
    }
}

/// 8-bit → 8-bit QUANTIZE (TFLite's reference `Requantize`): rescale `x - zp_in`, add `zp_out`, clamp.
///
/// `input` and `output` hold `count` elements; they may be the same buffer.
@inlinable
public func requantize<In: Quantized8BitInteger, Out: Quantized8BitInteger>(
    _ p: RequantizeParameters, input: UnsafePointer<In>, output: UnsafeMutablePointer<Out>, count: Int
) {
    if p.isSignFlip(In.self, Out.self) {
        for i in 0..<count {
            output[i] = Out(truncatingIfNeeded: UInt8(truncatingIfNeeded: input[i]) ^ 0x80)
        }
        return
    }
    let lo = Int32(Out.min), hi = Int32(Out.max)
    for i in 0..<count {
        let x = Int32(input[i]) - p.inputZeroPoint
        let y = multiplyByQuantizedMultiplier(x, p.multiplier.multiplier, p.multiplier.shift) &+ p.outputZeroPoint
        output[i] = clampNarrow(y, lo, hi)
    }
}

/// Prepared parameters of 8-bit → float32 DEQUANTIZE (per-tensor).
public struct DequantizeParameters: Sendable, Equatable {
    /// The input scale, widened to double as TFLite's `DequantizationParams` holds it.
    public var scale: Double
    /// The input zero point.
    public var zeroPoint: Int32

    /// The input tensor's scale and zero point.
    public init(inputScale: Float, inputZeroPoint: Int32) {
        scale = Double(inputScale)
        zeroPoint = inputZeroPoint
    }
}

/// 8-bit → float32 DEQUANTIZE: `Float(double(scale) * (q - zp))`.
///
/// `input` holds `count` elements, `output` `count` floats.
@inlinable
public func dequantize<T: Quantized8BitInteger>(
    _ p: DequantizeParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<Float>, count: Int
) {
    for i in 0..<count {
        output[i] = Float(p.scale * Double(Int32(input[i]) - p.zeroPoint))
    }
}
