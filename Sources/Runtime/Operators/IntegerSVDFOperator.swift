import Kernels
import TFLite

/// Full-integer SVDF (LiteRT's `EvalIntegerSVDF`): int8 input, weights_feature and output, int16 weights_time and
/// activation state, optional int32 bias. Like LiteRT it takes only a fused RELU, which it does not apply (the output
/// clamps to the int8 range; a RELU model's calibrated output range does the rest). The state lives in this
/// operator's scratch and restarts from zero at every invoke (see `svdfOperator`).
final class IntegerSVDFOperator: PreparedOperator {
    private let parameters: IntegerSVDFParameters
    private let slots: (input: Int, weightsFeature: Int, weightsTime: Int, bias: Int?, output: Int)
    private var input: UnsafePointer<Int8>?
    private var weightsFeature: UnsafePointer<Int8>?
    private var weightsTime: UnsafePointer<Int16>?
    private var bias: UnsafePointer<Int32>?
    private var state: UnsafeMutablePointer<Int16>?
    private var output: UnsafeMutablePointer<Int8>?

    var scratchBytes: Int { parameters.geometry.stateCount * MemoryLayout<Int16>.size }
    var macs: Int { parameters.geometry.macs }

    init(_ ctx: OperatorContext, _ o: SVDFOperands) throws(RuntimeError) {
        guard o.weightsFeature.type == .int8, o.weightsTime.type == .int16, o.state.type == .int16, o.output.type == .int8 else {
            throw ctx.unsupported("an int8 SVDF needs int8 weights_feature, int16 weights_time and state and int8 output, has \(o.weightsFeature.type.name), \(o.weightsTime.type.name), \(o.state.type.name) and \(o.output.type.name)")
        }
        if let b = o.bias, b.type != .int32 {
            throw ctx.unsupported("an int8 SVDF needs an int32 bias, has \(b.type.name)")
        }
        guard o.activation == .relu else {
            throw ctx.unsupported("an int8 SVDF takes fused activation RELU only (as LiteRT's kernel), has \(o.activation)")
        }
        let inQ = try ctx.quantization(o.input), wfQ = try ctx.quantization(o.weightsFeature)
        let wtQ = try ctx.quantization(o.weightsTime), stateQ = try ctx.quantization(o.state), outQ = try ctx.quantization(o.output)
        parameters = IntegerSVDFParameters(
            geometry: o.geometry, inputScale: inQ.scale, weightsFeatureScale: wfQ.scale, stateScale: stateQ.scale,
            weightsTimeScale: wtQ.scale, outputScale: outQ.scale, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint)
        slots = o.slots
    }

    func bind(_ memory: TensorMemory) {
        input = UnsafePointer(memory.address(slots.input).assumingMemoryBound(to: Int8.self))
        weightsFeature = UnsafePointer(memory.address(slots.weightsFeature).assumingMemoryBound(to: Int8.self))
        weightsTime = UnsafePointer(memory.address(slots.weightsTime).assumingMemoryBound(to: Int16.self))
        bias = slots.bias.map { UnsafePointer(memory.address($0).assumingMemoryBound(to: Int32.self)) }
        state = memory.scratch!.bindMemory(to: Int16.self, capacity: parameters.geometry.stateCount)
        output = memory.address(slots.output).assumingMemoryBound(to: Int8.self)
    }

    func eval(_ pool: WorkerPool?) {
        state!.update(repeating: 0, count: parameters.geometry.stateCount)
        integerSVDF(parameters, input: input!, weightsFeature: weightsFeature!, weightsTime: weightsTime!, bias: bias,
                    state: state!, output: output!)
    }
}
