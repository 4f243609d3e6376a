// Float32 SVDF (tflite/kernels/internal/reference/svdf.h, EvalFloatSVDF), bit-exact with LiteRT's reference: the
// state shifts left by one step, the feature products input·weights_feature (tensor_utils'
// MatrixBatchVectorMultiplyAccumulate into a cleared scratch) become each filter's newest state entry, the time
// products state·weights_time (VectorVectorDotProduct per filter) are summed over each unit's `rank` filters
// (ReductionSumVector), the bias is added, then the fused activation (ApplyActivationToVector). The dot products and
// the reduction keep LiteRT's x86 summation order (`NeonOrderFloat`); tanh is Eigen's (`EigenFloatMath`).

/// Geometry and fused activation of a float SVDF.
public struct FloatSVDFParameters: Sendable, Equatable {
    public var geometry: SVDFGeometry
    public var activation: Activation

    /// tensor_utils::ApplyActivationToVector's activations (the schema has no sigmoid for a fused activation).
    public enum Activation: Sendable, Equatable { case none, relu, reluN1To1, relu6, tanh, signBit }

    public init(geometry: SVDFGeometry, activation: Activation) {
        self.geometry = geometry
        self.activation = activation
    }

    /// Floats of scratch `floatSVDF` needs: one per batch and filter.
    public var scratchCount: Int { geometry.batches * geometry.filters }
}

/// The fused activation as tensor_utils applies it: std::max/std::min (NaN and −0 go where C++'s comparisons send
/// them), Eigen's tanh, std::signbit.
@inlinable
func svdfActivate(_ a: FloatSVDFParameters.Activation, _ x: Float) -> Float {
    switch a {
    case .none: return x
    case .relu: return 0 < x ? x : 0
    case .reluN1To1:
        let upper: Float = 1 < x ? 1 : x
        return -1 < upper ? upper : -1
    case .relu6:
        let upper: Float = 6 < x ? 6 : x
        return 0 < upper ? upper : 0
    case .tanh: return EigenFloatMath.tanh(x)
    case .signBit: return x.sign == .minus ? 1 : 0
    }
}

/// One float SVDF step: shifts `state` left by one time step, writes the new activations into its newest column, and
/// computes `output` ([batches, units]) from the whole history.
///
/// `input` is [batches, inputSize], `weightsFeature` [filters, inputSize], `weightsTime` [filters, memory], `bias`
/// [units] or nil, `state` [batches, filters, memory] (read and written), `scratch` ``FloatSVDFParameters/scratchCount``
/// floats. Allocates nothing.
@inlinable
public func floatSVDF(_ p: FloatSVDFParameters, input: UnsafePointer<Float>, weightsFeature: UnsafePointer<Float>,
                      weightsTime: UnsafePointer<Float>, bias: UnsafePointer<Float>?, state: UnsafeMutablePointer<Float>,
                      scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
    let g = p.geometry
    let count = g.stateCount
    var i = 0
    while i + 1 < count {
        state[i] = state[i + 1]
        i += 1
    }
    // Feature products accumulate into a cleared scratch, then become the newest state column.
    for b in 0..<g.batches {
        let x = input + b * g.inputSize
        for f in 0..<g.filters {
            scratch[b * g.filters + f] = NeonOrderFloat.accumulateRow(0, weightsFeature + f * g.inputSize, x, count: g.inputSize)
        }
    }
    for j in 0..<(g.batches * g.filters) { state[j * g.memory + g.memory - 1] = scratch[j] }
    svdfTimeProducts(p, weightsTime: weightsTime, bias: bias, state: state, scratch: scratch, output: output)
}

/// ApplyTimeWeightsBiasAndActivation, shared by the float and the hybrid SVDF: the time products per filter (the
/// state's newest column already written), the sum over each unit's filters, the bias and the activation.
@inlinable
func svdfTimeProducts(_ p: FloatSVDFParameters, weightsTime: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                      state: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
    let g = p.geometry
    for b in 0..<g.batches {
        for f in 0..<g.filters {
            let j = b * g.filters + f
            scratch[j] = NeonOrderFloat.dot(weightsTime + f * g.memory, state + j * g.memory, count: g.memory)
        }
    }
    for o in 0..<(g.batches * g.units) { output[o] = NeonOrderFloat.sum(scratch + o * g.rank, count: g.rank) }
    if let bias {
        for b in 0..<g.batches {
            for u in 0..<g.units { output[b * g.units + u] = output[b * g.units + u] + bias[u] }
        }
    }
    for o in 0..<(g.batches * g.units) { output[o] = svdfActivate(p.activation, output[o]) }
}
