// Int8/uint8 DIV (div.cc, reference div.h DivElementwise / BroadcastDivSlow): the divisor's reciprocal in fixed
// point (GetReciprocal), the dividend normalised by its leading sign bits, one multiplier
// QuantizeMultiplier(s1 / (s2 · s_out)) computed in float as TFLite does.

/// Prepared quantised DIV.
public struct QuantizedDivParameters: Sendable, Equatable {
    public var broadcast: BroadcastShape
    public var input1Offset: Int32
    public var input2Offset: Int32
    public var outputOffset: Int32
    public var multiplier: QuantizedMultiplier
    public var outputMin: Int32
    public var outputMax: Int32

    public init(input1Shape: [Int], input2Shape: [Int], input1Scale: Float, input1ZeroPoint: Int32, input2Scale: Float,
                input2ZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32, outputMin: Int32, outputMax: Int32) throws(KernelPreparationError) {
        broadcast = try BroadcastShape(input1Shape: input1Shape, input2Shape: input2Shape)
        input1Offset = -input1ZeroPoint
        input2Offset = -input2ZeroPoint
        outputOffset = outputZeroPoint
        multiplier = QuantizedMultiplier(Double(input1Scale / (input2Scale * outputScale)))
        self.outputMin = outputMin
        self.outputMax = outputMax
    }
}

/// gemmlowp/TFLite `CountLeadingSignBits` for int32.
@inlinable
func countLeadingSignBits(_ x: Int32) -> Int32 {
    Int32((x ^ (x >> 31)).leadingZeroBitCount) - 1
}

/// Quantised DIV with broadcasting. A zero divisor (an error in TFLite) gives the output zero point.
@inlinable
public func quantizedDivide<T: FixedWidthInteger>(_ p: QuantizedDivParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>,
                                                  output: UnsafeMutablePointer<T>) {
    broadcastBinary(p.broadcast, input1, input2, output) { (a: T, b: T) -> T in
        var x = p.input1Offset + Int32(a)
        var y = p.input2Offset + Int32(b)
        guard y != 0 else { return T(truncatingIfNeeded: Swift.min(p.outputMax, Swift.max(p.outputMin, p.outputOffset))) }
        if y < 0 {
            x = -x
            y = -y
        }
        let (inverse, recipShift) = Gemmlowp.reciprocal(y, integerBits: 31)
        let headroom = countLeadingSignBits(x)
        let unscaled = multiplyByQuantizedMultiplierGreaterThanOne(x, inverse, headroom)
        let totalShift = p.multiplier.shift - recipShift - headroom
        let scaled = totalShift <= 0
            ? multiplyByQuantizedMultiplierSmallerThanOneExp(unscaled, p.multiplier.multiplier, totalShift)
            : multiplyByQuantizedMultiplier(unscaled, p.multiplier.multiplier, totalShift)
        let result = p.outputOffset &+ scaled
        return T(truncatingIfNeeded: Swift.min(p.outputMax, Swift.max(p.outputMin, result)))
    }
}
