// Int8 ABS (elementwise.cc AbsEvalQuantized) and SQUARED_DIFFERENCE (squared_difference.cc), with TFLite's
// multipliers: ABS rescales |q − zp_in| by QuantizeMultiplier(s_in / s_out) (float division) only when the scales
// differ; SQUARED_DIFFERENCE brings both operands to 2·max(s1, s2) with a left shift of 7, squares the difference
// and rescales by (2·max)² / (2^14 · s_out).

/// Prepared int8 ABS.
public struct QuantizedAbsParameters: Sendable, Equatable {
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32
    /// nil when input and output share the scale.
    public var multiplier: QuantizedMultiplier?

    public init(inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) {
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        multiplier = inputScale == outputScale ? nil : QuantizedMultiplier(Double(inputScale / outputScale))
    }
}

/// Int8 ABS over `count` elements.
@inlinable
public func quantizedAbs(_ p: QuantizedAbsParameters, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>, count: Int) {
    for i in 0..<count {
        let value = Swift.abs(Int32(input[i]) - p.inputZeroPoint)
        var out: Int32
        if let m = p.multiplier {
            out = multiplyByQuantizedMultiplier(value, m.multiplier, m.shift) &+ p.outputZeroPoint
        } else {
            out = value + p.outputZeroPoint
        }
        out = Swift.min(Swift.max(out, -128), 127)
        output[i] = Int8(out)
    }
}

/// Prepared int8 SQUARED_DIFFERENCE.
public struct QuantizedSquaredDifferenceParameters: Sendable, Equatable {
    public var broadcast: BroadcastShape
    public var input1Offset: Int32
    public var input2Offset: Int32
    public var outputOffset: Int32
    public var input1Multiplier: QuantizedMultiplier
    public var input2Multiplier: QuantizedMultiplier
    public var outputMultiplier: QuantizedMultiplier

    public init(input1Shape: [Int], input2Shape: [Int], input1Scale: Float, input1ZeroPoint: Int32, input2Scale: Float,
                input2ZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) throws(KernelPreparationError) {
        broadcast = try BroadcastShape(input1Shape: input1Shape, input2Shape: input2Shape)
        input1Offset = -input1ZeroPoint
        input2Offset = -input2ZeroPoint
        outputOffset = outputZeroPoint
        let twiceMax = 2 * Double(Swift.max(input1Scale, input2Scale))
        input1Multiplier = QuantizedMultiplier(Double(input1Scale) / twiceMax)
        input2Multiplier = QuantizedMultiplier(Double(input2Scale) / twiceMax)
        let out = (twiceMax * twiceMax) / (Double(1 << 14) * Double(outputScale))
        guard out < 1 else { throw .unsupported("SQUARED_DIFFERENCE output multiplier \(out) must be below 1") }
        outputMultiplier = QuantizedMultiplier(out)
    }
}

/// Int8 SQUARED_DIFFERENCE with broadcasting.
@inlinable
public func quantizedSquaredDifference(_ p: QuantizedSquaredDifferenceParameters, input1: UnsafePointer<Int8>, input2: UnsafePointer<Int8>,
                                       output: UnsafeMutablePointer<Int8>) {
    broadcastBinary(p.broadcast, input1, input2, output) { (x: Int8, y: Int8) -> Int8 in
        let a = multiplyByQuantizedMultiplierSmallerThanOneExp((p.input1Offset + Int32(x)) * (1 << 7), p.input1Multiplier.multiplier, p.input1Multiplier.shift)
        let b = multiplyByQuantizedMultiplierSmallerThanOneExp((p.input2Offset + Int32(y)) * (1 << 7), p.input2Multiplier.multiplier, p.input2Multiplier.shift)
        let diff = a &- b
        let raw = multiplyByQuantizedMultiplierSmallerThanOneExp(diff &* diff, p.outputMultiplier.multiplier, p.outputMultiplier.shift) &+ p.outputOffset
        return Int8(Swift.min(Swift.max(raw, -128), 127))
    }
}
