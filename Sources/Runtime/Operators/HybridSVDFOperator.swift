import Kernels
import TFLite

/// Hybrid SVDF (LiteRT's `EvalHybridSVDF`): float32 input, bias, state and output, int8 weights_feature and
/// weights_time (per-tensor scales), the input quantised per batch as the option asymmetric_quantize_inputs says.
/// The state lives in this operator's scratch, followed by the kernel's float scratch and the quantised input, and
/// restarts from zero at every invoke (see `svdfOperator`).
final class HybridSVDFOperator: PreparedOperator {
    private let parameters: HybridSVDFParameters
    private let slots: (input: Int, weightsFeature: Int, weightsTime: Int, bias: Int?, output: Int)
    private var input: UnsafePointer<Float>?
    private var weightsFeature: UnsafePointer<Int8>?
    private var weightsTime: UnsafePointer<Int8>?
    private var bias: UnsafePointer<Float>?
    private var state: UnsafeMutablePointer<Float>?
    private var scratch: UnsafeMutablePointer<Float>?
    private var quantized: UnsafeMutablePointer<Int8>?
    private var output: UnsafeMutablePointer<Float>?

    private var floatCount: Int { parameters.float.geometry.stateCount + parameters.scratchCount }
    var scratchBytes: Int { floatCount * MemoryLayout<Float>.size + parameters.quantizedCount }
    var macs: Int { parameters.float.geometry.macs }

    init(_ ctx: OperatorContext, _ o: SVDFOperands) throws(RuntimeError) {
        guard o.weightsTime.type == .int8 else {
            throw ctx.unsupported("a hybrid SVDF (float32 input, int8 weights_feature) needs int8 weights_time, has \(o.weightsTime.type.name)")
        }
        for t in [o.state, o.output] + (o.bias.map { [$0] } ?? []) where t.type != .float32 {
            throw ctx.unsupported("a hybrid SVDF needs float32 bias, state and output; \(t.name) is \(t.type.name)")
        }
        let wfQ = try ctx.quantization(o.weightsFeature), wtQ = try ctx.quantization(o.weightsTime)
        var options = ScalarOptions()
        if case .scalars(let s) = ctx.op.options { options = s }
        parameters = HybridSVDFParameters(geometry: o.geometry, activation: o.floatActivation, asymmetricInputs: options.bool(2),
                                          weightsFeatureScale: wfQ.scale, weightsTimeScale: wtQ.scale)
        slots = o.slots
    }

    func bind(_ memory: TensorMemory) {
        func floats(_ slot: Int) -> UnsafePointer<Float> { UnsafePointer(memory.address(slot).assumingMemoryBound(to: Float.self)) }
        func bytes(_ slot: Int) -> UnsafePointer<Int8> { UnsafePointer(memory.address(slot).assumingMemoryBound(to: Int8.self)) }
        input = floats(slots.input)
        weightsFeature = bytes(slots.weightsFeature)
        weightsTime = bytes(slots.weightsTime)
        bias = slots.bias.map(floats)
        let stateCount = parameters.float.geometry.stateCount
        let base = memory.scratch!
        state = base.bindMemory(to: Float.self, capacity: floatCount)
        scratch = state! + stateCount
        quantized = (base + floatCount * MemoryLayout<Float>.size).bindMemory(to: Int8.self, capacity: parameters.quantizedCount)
        output = memory.address(slots.output).assumingMemoryBound(to: Float.self)
    }

    func eval(_ pool: WorkerPool?) {
        state!.update(repeating: 0, count: parameters.float.geometry.stateCount)
        hybridSVDF(parameters, input: input!, weightsFeature: weightsFeature!, weightsTime: weightsTime!, bias: bias,
                   state: state!, scratch: scratch!, quantized: quantized!, output: output!)
    }
}
