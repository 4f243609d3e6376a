// Float32 SUB and MUL (reference sub.h BroadcastSubSlow / SubWithActivation, mul.h Mul / BroadcastMul6DSlow).

/// Prepared parameters of float32 SUB and MUL: the broadcast layout and the fused-activation clamp.
public struct FloatBinaryParameters: Sendable, Equatable {
    /// Broadcast layout of the two inputs and the output, resolved at prepare time.
    public var broadcast: BroadcastShape
    /// The float clamp of the fused activation (±greatestFiniteMagnitude when none).
    public var activationMin: Float
    public var activationMax: Float

    /// Resolves broadcasting and TFLite's float activation bounds (`CalculateActivationRange<float>`).
    public init(input1Shape: [Int], input2Shape: [Int], activation: FusedActivation) throws(KernelPreparationError) {
        broadcast = try BroadcastShape(input1Shape: input1Shape, input2Shape: input2Shape)
        (activationMin, activationMax) = floatActivationRange(activation)
    }
}

/// Float32 SUB with broadcasting and fused activation.
///
/// Even without activation TFLite clamps to ±`Float.greatestFiniteMagnitude`, so infinities become finite;
/// NaN passes through. Buffers as for the quantised `subtract`.
@inlinable
public func subtract(
    _ p: FloatBinaryParameters, input1: UnsafePointer<Float>, input2: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>
) {
    let lo = p.activationMin, hi = p.activationMax
    broadcastBinary(p.broadcast, input1, input2, output) { (a: Float, b: Float) -> Float in
        clampFloatActivation(a - b, lo, hi)
    }
}

/// Float32 MUL with broadcasting and fused activation (clamping as for the float `subtract`).
@inlinable
public func multiply(
    _ p: FloatBinaryParameters, input1: UnsafePointer<Float>, input2: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>
) {
    let lo = p.activationMin, hi = p.activationMax
    broadcastBinary(p.broadcast, input1, input2, output) { (a: Float, b: Float) -> Float in
        clampFloatActivation(a * b, lo, hi)
    }
}
