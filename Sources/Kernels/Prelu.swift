// Int8 PRELU (activations.cc PreluPrepare, reference prelu.h BroadcastPrelu4DSlow): non-negative inputs rescale by
// s_in / s_out, negative ones multiply by (alpha − zp_alpha) and rescale by s_in · s_alpha / s_out; both multipliers
// are float expressions widened to double, as TFLite computes them.

/// Prepared int8 PRELU.
public struct PreluParameters: Sendable, Equatable {
    public var broadcast: BroadcastShape
    public var inputOffset: Int32
    public var alphaOffset: Int32
    public var outputOffset: Int32
    public var positive: QuantizedMultiplier
    public var negative: QuantizedMultiplier

    public init(inputShape: [Int], alphaShape: [Int], inputScale: Float, inputZeroPoint: Int32, alphaScale: Float,
                alphaZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) throws(KernelPreparationError) {
        broadcast = try BroadcastShape(input1Shape: inputShape, input2Shape: alphaShape)
        inputOffset = -inputZeroPoint
        alphaOffset = -alphaZeroPoint
        outputOffset = outputZeroPoint
        positive = QuantizedMultiplier(Double(inputScale / outputScale))
        negative = QuantizedMultiplier(Double(inputScale * alphaScale / outputScale))
    }
}

/// Int8 PRELU with broadcasting of alpha.
@inlinable
public func prelu(_ p: PreluParameters, input: UnsafePointer<Int8>, alpha: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    broadcastBinary(p.broadcast, input, alpha, output) { (x: Int8, a: Int8) -> Int8 in
        let v = p.inputOffset + Int32(x)
        var out: Int32
        if v >= 0 {
            out = multiplyByQuantizedMultiplier(v, p.positive.multiplier, p.positive.shift)
        } else {
            out = multiplyByQuantizedMultiplier(v * (p.alphaOffset + Int32(a)), p.negative.multiplier, p.negative.shift)
        }
        out = out &+ p.outputOffset
        return Int8(Swift.min(127, Swift.max(-128, out)))
    }
}
