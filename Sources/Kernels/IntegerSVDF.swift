// Full-integer SVDF (tflite/kernels/internal/reference/svdf.h, EvalIntegerSVDF), bit-exact with LiteRT's reference:
// int8 input and weights_feature, int16 weights_time and activation state, optional int32 bias, int8 output.
// The feature products (input − zero point)·weights_feature are rescaled by s_in·s_wf/s_state into the state's
// newest column (clamped to int16; the state is symmetric, its zero point is not used), the time products
// state·weights_time are summed over each unit's `rank` filters with the bias, rescaled by s_state·s_wt/s_out and
// clamped to int8. LiteRT applies no activation here (its int8 SVDF requires RELU and leaves the clamp to the
// calibrated output range). All sums are int32 and wrap as the reference's do, so their order is free.

/// Geometry and requantisation of an integer SVDF.
public struct IntegerSVDFParameters: Sendable, Equatable {
    public var geometry: SVDFGeometry
    /// input·weights_feature → state: s_in·s_wf/s_state.
    public var featureMultiplier: QuantizedMultiplier
    /// state·weights_time (+ bias) → output: s_state·s_wt/s_out.
    public var outputMultiplier: QuantizedMultiplier
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32

    public init(geometry: SVDFGeometry, featureMultiplier: QuantizedMultiplier, outputMultiplier: QuantizedMultiplier,
                inputZeroPoint: Int32, outputZeroPoint: Int32) {
        self.geometry = geometry
        self.featureMultiplier = featureMultiplier
        self.outputMultiplier = outputMultiplier
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
    }

    /// The multipliers as LiteRT's Prepare computes them: each scale expression evaluated in float, then widened to
    /// double for `QuantizeMultiplier`.
    public init(geometry: SVDFGeometry, inputScale: Float, weightsFeatureScale: Float, stateScale: Float,
                weightsTimeScale: Float, outputScale: Float, inputZeroPoint: Int32, outputZeroPoint: Int32) {
        self.init(geometry: geometry,
                  featureMultiplier: QuantizedMultiplier(Double(inputScale * weightsFeatureScale / stateScale)),
                  outputMultiplier: QuantizedMultiplier(Double(stateScale * weightsTimeScale / outputScale)),
                  inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint)
    }
}

/// One SVDF step: shifts `state` left by one time step, writes the new activations into its newest column, and
/// computes `output` ([batches, units]) from the whole history.
///
/// `input` is [batches, inputSize], `weightsFeature` [filters, inputSize], `weightsTime` [filters, memory], `bias`
/// [units] or nil, `state` [batches, filters, memory] (``SVDFGeometry/stateCount`` elements, read and written).
/// Allocates nothing.
@inlinable
public func integerSVDF(_ p: IntegerSVDFParameters, input: UnsafePointer<Int8>, weightsFeature: UnsafePointer<Int8>,
                        weightsTime: UnsafePointer<Int16>, bias: UnsafePointer<Int32>?, state: UnsafeMutablePointer<Int16>,
                        output: UnsafeMutablePointer<Int8>) {
    let g = p.geometry
    // The whole buffer moves left by one element, as LiteRT's std::copy does: every filter's history loses its
    // oldest entry; the newest slot (which received the next filter's oldest) is overwritten below.
    let count = g.stateCount
    var i = 0
    while i + 1 < count {
        state[i] = state[i + 1]
        i += 1
    }
    for b in 0..<g.batches {
        let x = input + b * g.inputSize
        for f in 0..<g.filters {
            let w = weightsFeature + f * g.inputSize
            var acc: Int32 = 0
            for c in 0..<g.inputSize { acc = acc &+ Int32(w[c]) &* (Int32(x[c]) &- p.inputZeroPoint) }
            let scaled = p.featureMultiplier.apply(acc)
            state[(b * g.filters + f) * g.memory + g.memory - 1] = Int16(Swift.min(Swift.max(scaled, -32768), 32767))
        }
    }
    for b in 0..<g.batches {
        for u in 0..<g.units {
            var acc: Int32 = bias?[u] ?? 0
            for r in 0..<g.rank {
                let f = u * g.rank + r
                let history = state + (b * g.filters + f) * g.memory
                let w = weightsTime + f * g.memory
                for m in 0..<g.memory { acc = acc &+ Int32(w[m]) &* Int32(history[m]) }
            }
            let y = p.outputMultiplier.apply(acc) &+ p.outputZeroPoint
            output[b * g.units + u] = Int8(Swift.min(Swift.max(y, -128), 127))
        }
    }
}
