// Quantised MUL (mul.cc Prepare, reference mul.h / integer_ops/mul.h).

/// Prepared parameters of quantised MUL (int8 and uint8), including the broadcast layout.
public struct MulParameters: Sendable, Equatable {
    /// Broadcast layout of the two inputs and the output, resolved at prepare time.
    public var broadcast: BroadcastShape
    /// Negated input zero points, as TFLite stores them.
    public var input1Offset: Int32
    public var input2Offset: Int32
    /// Output zero point, multiplier s1·s2/s_out and fused-activation range.
    public var outputZeroPoint: Int32
    public var outputMultiplier: QuantizedMultiplier
    public var outputMin: Int32
    public var outputMax: Int32

    /// TFLite's MUL Prepare for 8-bit tensors; `qmin`/`qmax` are the output type's limits.
    public init(input1Shape: [Int], input2Shape: [Int],
                input1Scale: Float, input1ZeroPoint: Int32,
                input2Scale: Float, input2ZeroPoint: Int32,
                outputScale: Float, outputZeroPoint: Int32,
                activation: FusedActivation, qmin: Int32, qmax: Int32) throws(KernelPreparationError) {
        broadcast = try BroadcastShape(input1Shape: input1Shape, input2Shape: input2Shape)
        input1Offset = -input1ZeroPoint
        input2Offset = -input2ZeroPoint
        self.outputZeroPoint = outputZeroPoint
        // mul.cc writes `double real_multiplier = s1 * s2 / s_out` with float operands: the product and the
        // quotient are rounded to float before the widening, unlike ADD or CONV.
        let realMultiplier: Float = input1Scale * input2Scale / outputScale
        outputMultiplier = QuantizedMultiplier(Double(realMultiplier))
        (outputMin, outputMax) = activationRange(
            activation, scale: outputScale, zeroPoint: outputZeroPoint, qmin: qmin, qmax: qmax)
    }
}

/// Quantised MUL with broadcasting: `output = input1 × input2` in real terms.
///
/// `input1`/`input2` hold the elements of the shapes given at prepare time; `output` holds
/// `p.broadcast.outputCount` elements and may alias a non-broadcast input.
@inlinable
public func multiply<T: Quantized8BitInteger>(
    _ p: MulParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>
) {
    broadcastBinary(p.broadcast, input1, input2, output) { (a: T, b: T) -> T in
        let product = (p.input1Offset + Int32(a)) * (p.input2Offset + Int32(b))
        let rescaled = multiplyByQuantizedMultiplier(product, p.outputMultiplier.multiplier, p.outputMultiplier.shift)
        return clampNarrow(p.outputZeroPoint &+ rescaled, p.outputMin, p.outputMax)
    }
}
