import Kernels
import TFLite

/// SUM over constant axes, float32: LiteRT's reference `ReduceGeneric` (elements added in row-major order, from 0).
final class FloatSumOperator: PreparedOperator {
    private let outputIndex: [Int32]
    private let outputCount: Int
    private let slots: (Int, Int)
    private var input: UnsafePointer<Float>?
    private var output: UnsafeMutablePointer<Float>?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard a.type == .float32, out.type == .float32 else { throw ctx.unsupported("mixes \(a.type.name) and \(out.type.name)") }
        var axes: [Int] = []
        for v in try CopyPlanOperator.integers(ctx, 1) {
            let resolved = try CopyPlanOperator.axis(ctx, v, rank: a.shape.count)
            if !axes.contains(resolved) { axes.append(resolved) }
        }
        var keepDims = false
        if case .reducer(let o) = ctx.op.options { keepDims = o.keepDims }
        let shape = keepDims ? a.shape.indices.map { axes.contains($0) ? 1 : a.shape[$0] }
                             : a.shape.indices.filter { !axes.contains($0) }.map { a.shape[$0] }
        try ctx.setOutputShape(0, shape)
        outputIndex = reductionIndexMap(inputShape: a.shape, axes: axes)
        outputCount = shape.reduce(1, *)
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    var macs: Int { outputIndex.count }

    func bind(_ memory: TensorMemory) {
        input = UnsafePointer(memory.address(slots.0).assumingMemoryBound(to: Float.self))
        output = memory.address(slots.1).assumingMemoryBound(to: Float.self)
    }

    func eval(_ pool: WorkerPool?) {
        outputIndex.withUnsafeBufferPointer { map in
            floatReduceSum(input: input!, outputIndex: map.baseAddress!, inputCount: map.count, output: output!, outputCount: outputCount)
        }
    }
}
