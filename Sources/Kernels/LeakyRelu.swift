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
    /// The output of every int8 and every uint8 input, computed once by the scalar formula
    /// (``leakyReluReference(_:input:output:count:)``): the result depends on the byte alone, so a table lookup
    /// gives the same bytes at a fraction of the cost (LEAKY_RELU took as long as a convolution in opzoo_conv).
    public var int8Table: [Int8] = []
    public var uint8Table: [UInt8] = []

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
        let signed = (-128...127).map { Int8($0) }, unsigned = (0...255).map { UInt8($0) }
        var int8Table = [Int8](repeating: 0, count: 256), uint8Table = [UInt8](repeating: 0, count: 256)
        leakyReluReference(self, input: signed, output: &int8Table, count: 256)
        leakyReluReference(self, input: unsigned, output: &uint8Table, count: 256)
        self.int8Table = int8Table
        self.uint8Table = uint8Table
    }
}

/// Quantised LEAKY_RELU: identity rescale for x ≥ zero point, alpha rescale below; clamped to the type.
///
/// `input` and `output` hold `count` elements; they may be the same buffer. One table load per element
/// (``LeakyReluParameters/int8Table``, indexed by the input's bit pattern: int8 −128…127 at 0…255).
@inlinable
public func leakyRelu<T: Quantized8BitInteger>(
    _ p: LeakyReluParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>, count: Int
) {
    if T.self == Int8.self {
        let x = UnsafeRawPointer(input).assumingMemoryBound(to: UInt8.self)
        let y = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Int8.self)
        p.int8Table.withUnsafeBufferPointer { table in
            // Int8 −128…127 was tabled in that order: index = bit pattern + 128, i.e. the pattern with its top bit flipped.
            for i in 0..<count { y[i] = table[Int(x[i] ^ 0x80)] }
        }
    } else {
        let x = UnsafeRawPointer(input).assumingMemoryBound(to: UInt8.self)
        let y = UnsafeMutableRawPointer(output).assumingMemoryBound(to: UInt8.self)
        p.uint8Table.withUnsafeBufferPointer { table in
            for i in 0..<count { y[i] = table[Int(x[i])] }
        }
    }
}

/// Quantised LEAKY_RELU by TFLite's per-element arithmetic: the twin the table path is tested against and the
/// formula the tables are built from.
@inlinable
public func leakyReluReference<T: Quantized8BitInteger>(
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
