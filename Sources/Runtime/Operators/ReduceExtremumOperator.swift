import Kernels
import TFLite

/// REDUCE_MAX and REDUCE_MIN over constant axes, keep_dims or not: int8 and uint8 (raw values; input and output
/// must share quantisation, as TFLite requires), int32 and float32; and REDUCE_ALL over bool, which is REDUCE_MIN
/// of the 0/1 bytes starting from true (an empty reduction gives true, as TFLite's does).
final class ReduceExtremumOperator: PreparedOperator {
    private let parameters: ReduceParameters
    private let type: TensorType
    private let maximum: Bool
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard a.type == out.type, ctx.op.opcode == .reduceAll ? a.type == .bool : [.int8, .uint8, .int32, .float32].contains(a.type) else {
            throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported")
        }
        if a.type == .int8 || a.type == .uint8 {
            let qa = try ctx.quantization(a), qo = try ctx.quantization(out)
            guard qa.scale == qo.scale, qa.zeroPoint == qo.zeroPoint else {
                throw ctx.unsupported("input and output must share scale and zero point")
            }
        }
        var axes: [Int] = []
        for v in try CopyPlanOperator.integers(ctx, 1) {
            let resolved = try CopyPlanOperator.axis(ctx, v, rank: a.shape.count)
            if !axes.contains(resolved) { axes.append(resolved) }
        }
        var keepDims = false
        if case .reducer(let o) = ctx.op.options { keepDims = o.keepDims }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in try ReduceParameters(inputShape: a.shape, axes: axes) }
        let shape = keepDims ? a.shape.indices.map { axes.contains($0) ? 1 : a.shape[$0] }
                             : a.shape.indices.filter { !axes.contains($0) }.map { a.shape[$0] }
        try ctx.setOutputShape(0, shape)
        type = a.type
        maximum = ctx.op.opcode == .reduceMax
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        switch type {
        case .int8: run(Int8.self, maximum ? Int8.min : Int8.max)
        case .uint8: run(UInt8.self, maximum ? UInt8.min : UInt8.max)
        case .int32: run(Int32.self, maximum ? Int32.min : Int32.max)
        case .bool: run(UInt8.self, 1)
        default: run(Float.self, maximum ? -Float.greatestFiniteMagnitude : Float.greatestFiniteMagnitude)
        }
    }

    private func run<T: Comparable>(_: T.Type, _ initial: T) {
        reduceExtremum(parameters, maximum: maximum, initial: initial, input: input!.assumingMemoryBound(to: T.self),
                       output: output!.assumingMemoryBound(to: T.self))
    }
}

extension ReduceExtremumOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.inputDims.reduce(1, *)
    }
}
