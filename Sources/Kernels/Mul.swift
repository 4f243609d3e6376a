import CDotProduct

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
    /// Whether same-shaped inputs take the sixteen-lane AVX-512 path first (as ``AddSubParameters/sixteenLanes``).
    public var sixteenLanes: Bool = Microkernel.selected == .avx512VNNI

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
/// `p.broadcast.outputCount` elements and may alias a non-broadcast input. Same-shaped inputs take the eight-lane
/// path (``multiplySameShape(_:input1:input2:output:)``), broadcasts the scalar reference loop.
@inlinable
public func multiply<T: Quantized8BitInteger>(
    _ p: MulParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>
) {
    if !p.broadcast.needsBroadcast {
        multiplySameShape(p, input1: input1, input2: input2, output: output)
        return
    }
    multiplyReference(p, input1: input1, input2: input2, output: output)
}

/// Quantised MUL of two same-shaped tensors, eight lanes at a time: the product of the offset inputs is exact in
/// Int32 (at most 255²) and the eight-lane requantisation equals the scalar one lane by lane; scalar tail.
@inlinable
public func multiplySameShape<T: Quantized8BitInteger>(
    _ p: MulParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>
) {
    let n = p.broadcast.outputCount
    let offset1 = SIMD8<Int32>(repeating: p.input1Offset), offset2 = SIMD8<Int32>(repeating: p.input2Offset)
    let m = SIMD8<Int32>(repeating: p.outputMultiplier.multiplier), s = SIMD8<Int32>(repeating: p.outputMultiplier.shift)
    var i = 0
    #if arch(x86_64)
    if p.sixteenLanes {
        i = n & ~15
        edgefleet_avx512_binary8(input1, input2, output, i, 2, T.self == UInt8.self ? 1 : 0, p.input1Offset, p.input2Offset, 0,
                                 0, 0, 0, 0, p.outputMultiplier.multiplier, p.outputMultiplier.shift, p.outputZeroPoint,
                                 p.outputMin, p.outputMax)
    }
    #endif
    while i + 8 <= n {
        let product = (T.load8(input1 + i) &+ offset1) &* (T.load8(input2 + i) &+ offset2)
        requantizeAndStore8(product, multiplier: m, shift: s, zeroPoint: p.outputZeroPoint, min: p.outputMin, max: p.outputMax,
                            to: output + i)
        i += 8
    }
    while i < n {
        let product = (p.input1Offset + Int32(input1[i])) * (p.input2Offset + Int32(input2[i]))
        let rescaled = multiplyByQuantizedMultiplier(product, p.outputMultiplier.multiplier, p.outputMultiplier.shift)
        output[i] = clampNarrow(p.outputZeroPoint &+ rescaled, p.outputMin, p.outputMax)
        i += 1
    }
}

/// Quantised MUL by TFLite's scalar reference loop (with broadcasting): the twin the eight-lane path is tested against.
@inlinable
public func multiplyReference<T: Quantized8BitInteger>(
    _ p: MulParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>
) {
    broadcastBinary(p.broadcast, input1, input2, output) { (a: T, b: T) -> T in
        let product = (p.input1Offset + Int32(a)) * (p.input2Offset + Int32(b))
        let rescaled = multiplyByQuantizedMultiplier(product, p.outputMultiplier.multiplier, p.outputMultiplier.shift)
        return clampNarrow(p.outputZeroPoint &+ rescaled, p.outputMin, p.outputMax)
    }
}
