import Kernels
import TFLite

/// Float32 SVDF (LiteRT's `EvalFloatSVDF`): float32 input, weights, optional bias, state and output, any fused
/// activation of the schema. The state lives in this operator's scratch, followed by the kernel's per-filter
/// scratch, and restarts from zero at every invoke (see `svdfOperator`).
final class FloatSVDFOperator: PreparedOperator {
    private let parameters: FloatSVDFParameters
    private let slots: (input: Int, weightsFeature: Int, weightsTime: Int, bias: Int?, output: Int)
    private var input: UnsafePointer<Float>?
    private var weightsFeature: UnsafePointer<Float>?
    private var weightsTime: UnsafePointer<Float>?
    private var bias: UnsafePointer<Float>?
    private var state: UnsafeMutablePointer<Float>?
    private var scratch: UnsafeMutablePointer<Float>?
    private var output: UnsafeMutablePointer<Float>?

    var scratchBytes: Int { (parameters.geometry.stateCount + parameters.scratchCount) * MemoryLayout<Float>.size }
    var macs: Int { parameters.geometry.macs }

    init(_ ctx: OperatorContext, _ o: SVDFOperands) throws(RuntimeError) {
        for t in [o.weightsTime, o.state, o.output] + (o.bias.map { [$0] } ?? []) where t.type != .float32 {
            throw ctx.unsupported("a float32 SVDF needs float32 weights, bias, state and output; \(t.name) is \(t.type.name)")
        }
        parameters = FloatSVDFParameters(geometry: o.geometry, activation: o.floatActivation)
        slots = o.slots
    }

    func bind(_ memory: TensorMemory) {
        func floats(_ slot: Int) -> UnsafePointer<Float> { UnsafePointer(memory.address(slot).assumingMemoryBound(to: Float.self)) }
        input = floats(slots.input)
        weightsFeature = floats(slots.weightsFeature)
        weightsTime = floats(slots.weightsTime)
        bias = slots.bias.map(floats)
        let stateCount = parameters.geometry.stateCount
        let base = memory.scratch!.bindMemory(to: Float.self, capacity: stateCount + parameters.scratchCount)
        state = base
        scratch = base + stateCount
        output = memory.address(slots.output).assumingMemoryBound(to: Float.self)
    }

    func eval(_ pool: WorkerPool?) {
        state!.update(repeating: 0, count: parameters.geometry.stateCount)
        floatSVDF(parameters, input: input!, weightsFeature: weightsFeature!, weightsTime: weightsTime!, bias: bias,
                  state: state!, scratch: scratch!, output: output!)
    }
}
