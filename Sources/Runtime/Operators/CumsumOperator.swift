import Kernels
import TFLite

/// CUMSUM along a constant axis of a float32, int32 or int64 tensor (the types LiteRT's kernel takes) or an int8
/// one (TFLite Micro's quantised path), with the `exclusive` and `reverse` options.
final class CumsumOperator: PreparedOperator {
    private let parameters: CumsumParameters
    private let type: TensorType
    private let quantized: CumsumInt8Parameters?
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard a.type == out.type, [.float32, .int32, .int64, .int8].contains(a.type) else {
            throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported (float32, int32, int64 and int8 are)")
        }
        if a.type == .int8 {
            let qa = try ctx.quantization(a), qo = try ctx.quantization(out)
            quantized = CumsumInt8Parameters(inputScale: qa.scale, inputZeroPoint: qa.zeroPoint, outputScale: qo.scale, outputZeroPoint: qo.zeroPoint)
        } else {
            quantized = nil
        }
        guard !a.shape.isEmpty else { throw ctx.invalid("input must have at least one dimension") }
        let axis = try CopyPlanOperator.integers(ctx, 1)
        guard axis.count == 1 else { throw ctx.invalid("axis must be a single value, has \(axis.count)") }
        let resolved = try CopyPlanOperator.axis(ctx, axis[0], rank: a.shape.count)
        var o = ScalarOptions()
        if case .scalars(let s) = ctx.op.options { o = s }
        parameters = CumsumParameters(shape: a.shape, axis: resolved, exclusive: o.bool(0), reverse: o.bool(1))
        try ctx.setOutputShape(0, a.shape)
        type = a.type
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        switch type {
        case .int8:
            cumsum(parameters, quantized!, input: input!.assumingMemoryBound(to: Int8.self), output: output!.assumingMemoryBound(to: Int8.self))
        case .int32:
            cumsum(parameters, input: input!.assumingMemoryBound(to: Int32.self), output: output!.assumingMemoryBound(to: Int32.self), add: &+)
        case .int64:
            cumsum(parameters, input: input!.assumingMemoryBound(to: Int64.self), output: output!.assumingMemoryBound(to: Int64.self), add: &+)
        default:
            cumsum(parameters, input: input!.assumingMemoryBound(to: Float.self), output: output!.assumingMemoryBound(to: Float.self), add: +)
        }
    }
}

extension CumsumOperator {
    /// Element operations per invoke (one add per element; this operator does no multiply-accumulates), so that a
    /// model made only of it still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.outer * parameters.axisSize * parameters.inner
    }
}
