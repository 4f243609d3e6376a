import Kernels
import TFLite

/// Int8 LOG_SOFTMAX over the last dimension; TFLite requires the output scale 16/256 and zero point 127.
final class LogSoftmaxOperator: PreparedOperator {
    private let parameters: LogSoftmaxParameters
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard a.type == .int8, out.type == .int8 else { throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported (int8 only)") }
        let qa = try ctx.quantization(a), qo = try ctx.quantization(out)
        guard qo.scale == 16.0 / 256, qo.zeroPoint == 127 else { throw ctx.invalid("output must have scale 16/256 and zero point 127") }
        guard let depth = a.shape.last, depth > 0 else { throw ctx.invalid("input \(a.shape) has no last dimension") }
        parameters = LogSoftmaxParameters(outer: a.elementCount / depth, depth: depth, inputScale: qa.scale)
        try ctx.setOutputShape(0, a.shape)
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        logSoftmax(parameters, input: input!.assumingMemoryBound(to: Int8.self), output: output!.assumingMemoryBound(to: Int8.self))
    }
}

extension LogSoftmaxOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.outer * parameters.depth
    }
}
