// Float32 FULLY_CONNECTED (reference_ops::FullyConnected): each output is a sequential float dot product plus the
// bias, clamped to the fused activation's range — the order of the additions is TFLite's, so results are identical.

/// `output[b][o] = clamp(Σ_d input[b][d] · weights[o][d] + bias[o])`.
@inlinable
public func floatFullyConnected(batches: Int, depth: Int, outputs: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, activationMin: Float, activationMax: Float, output: UnsafeMutablePointer<Float>) {
    for b in 0..<batches {
        let x = input + b * depth
        for o in 0..<outputs {
            let w = weights + o * depth
            var total: Float = 0
            for d in 0..<depth { total += x[d] * w[d] }
            let biasValue: Float = bias.map { $0[o] } ?? 0
            output[b * outputs + o] = clampFloatActivation(total + biasValue, activationMin, activationMax)
        }
    }
}
