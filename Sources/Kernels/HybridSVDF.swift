// Hybrid SVDF (tflite/kernels/internal/reference/svdf.h, EvalHybridSVDF): float32 input, output, bias and state,
// int8 weights_feature and weights_time. As LiteRT 2.3's x86 build runs it: the state shifts left by one step; unless
// the input is all zeros, each batch is quantised (`HybridInputQuantization`, symmetric or asymmetric per the
// option asymmetric_quantize_inputs), its scaling factor multiplied by weights_feature's scale, and the feature
// products are integer dot products (minus zero point × row sum when asymmetric) times that factor, added to the
// cleared scratch (sse_tensor_utils' SseMatrixBatchVectorMultiplyAccumulateImpl: `*result += sum * row_scale`);
// those become the newest state column. weights_time is dequantised to float (int8 × scale, as svdf.cc does once)
// and the rest is the float SVDF's ApplyTimeWeightsBiasAndActivation (`svdfTimeProducts`).

/// Geometry, activation and quantisation of a hybrid SVDF.
public struct HybridSVDFParameters: Sendable, Equatable {
    public var float: FloatSVDFParameters
    public var asymmetricInputs: Bool
    public var weightsFeatureScale: Float
    public var weightsTimeScale: Float

    public init(geometry: SVDFGeometry, activation: FloatSVDFParameters.Activation, asymmetricInputs: Bool,
                weightsFeatureScale: Float, weightsTimeScale: Float) {
        float = FloatSVDFParameters(geometry: geometry, activation: activation)
        self.asymmetricInputs = asymmetricInputs
        self.weightsFeatureScale = weightsFeatureScale
        self.weightsTimeScale = weightsTimeScale
    }

    /// Floats of scratch `hybridSVDF` needs: one per batch and filter, then the dequantised weights_time.
    public var scratchCount: Int { float.scratchCount + float.geometry.filters * float.geometry.memory }

    /// Bytes for the quantised input (one per input value).
    public var quantizedCount: Int { float.geometry.batches * float.geometry.inputSize }
}

/// One hybrid SVDF step: shifts `state` left by one time step, writes the new activations into its newest column, and
/// computes `output` ([batches, units]).
///
/// `input` is [batches, inputSize] float, `weightsFeature` [filters, inputSize] int8, `weightsTime` [filters, memory]
/// int8, `bias` [units] or nil, `state` [batches, filters, memory] (read and written), `scratch`
/// ``HybridSVDFParameters/scratchCount`` floats, `quantized` ``HybridSVDFParameters/quantizedCount`` bytes.
/// Allocates nothing.
@inlinable
public func hybridSVDF(_ p: HybridSVDFParameters, input: UnsafePointer<Float>, weightsFeature: UnsafePointer<Int8>,
                       weightsTime: UnsafePointer<Int8>, bias: UnsafePointer<Float>?, state: UnsafeMutablePointer<Float>,
                       scratch: UnsafeMutablePointer<Float>, quantized: UnsafeMutablePointer<Int8>,
                       output: UnsafeMutablePointer<Float>) {
    let g = p.float.geometry
    let count = g.stateCount
    var i = 0
    while i + 1 < count {
        state[i] = state[i + 1]
        i += 1
    }
    let floatWeightsTime = scratch + p.float.scratchCount
    for k in 0..<(g.filters * g.memory) { floatWeightsTime[k] = Float(weightsTime[k]) * p.weightsTimeScale }
    scratch.update(repeating: 0, count: g.batches * g.filters)
    var inputIsZero = true
    for k in 0..<(g.batches * g.inputSize) where input[k] != 0 {
        inputIsZero = false
        break
    }
    if !inputIsZero {
        for b in 0..<g.batches {
            let x = input + b * g.inputSize, q = quantized + b * g.inputSize
            var factor: Float, zeroPoint: Int32 = 0
            if p.asymmetricInputs {
                (factor, zeroPoint) = HybridInputQuantization.asymmetric(x, count: g.inputSize, into: q)
            } else {
                factor = HybridInputQuantization.symmetric(x, count: g.inputSize, into: q)
            }
            factor = factor * p.weightsFeatureScale
            for f in 0..<g.filters {
                let w = weightsFeature + f * g.inputSize
                var sum: Int32 = 0, rowSum: Int32 = 0
                for k in 0..<g.inputSize {
                    sum = sum &+ Int32(w[k]) &* Int32(q[k])
                    rowSum = rowSum &+ Int32(w[k])
                }
                if zeroPoint != 0 { sum = sum &- zeroPoint &* rowSum }
                let j = b * g.filters + f
                scratch[j] = scratch[j] + Float(sum) * factor
            }
        }
    }
    for j in 0..<(g.batches * g.filters) { state[j * g.memory + g.memory - 1] = scratch[j] }
    svdfTimeProducts(p.float, weightsTime: floatWeightsTime, bias: bias, state: state, scratch: scratch, output: output)
}
