import Kernels
import TFLite

/// SUM over constant axes, int8 or uint8: TFLite's QuantizedMeanOrSum with compute_sum, i.e. MEAN's kernel with the
/// plain multiplier s_in / s_out (no 1/N folded in).
final class SumOperator: PreparedOperator {
    private let parameters: MeanParameters
    private let isUInt8: Bool
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?
    private var sums: UnsafeMutablePointer<Int32>?

    var scratchBytes: Int { parameters.outputCount * MemoryLayout<Int32>.size }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        let type = try ctx.requireQuantizedType(a, out)
        var axes: [Int] = []
        for v in try CopyPlanOperator.integers(ctx, 1) {
            let resolved = try CopyPlanOperator.axis(ctx, v, rank: a.shape.count)
            if !axes.contains(resolved) { axes.append(resolved) }
        }
        let qa = try ctx.quantization(a), qo = try ctx.quantization(out)
        let range = OperatorContext.range(of: type)
        var p = MeanParameters(inputShape: a.shape, axes: axes, inputScale: qa.scale, inputZeroPoint: qa.zeroPoint,
                               outputScale: qo.scale, outputZeroPoint: qo.zeroPoint, outputMin: range.min, outputMax: range.max)
        let q = QuantizedMultiplier(Double(qa.scale) / Double(qo.scale))
        p.multiplier = q.multiplier
        p.shift = q.shift
        parameters = p
        var keepDims = false
        if case .reducer(let o) = ctx.op.options { keepDims = o.keepDims }
        let shape = keepDims ? a.shape.indices.map { axes.contains($0) ? 1 : a.shape[$0] }
                             : a.shape.indices.filter { !axes.contains($0) }.map { a.shape[$0] }
        try ctx.setOutputShape(0, shape)
        isUInt8 = type == .uint8
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
        sums = memory.scratch!.bindMemory(to: Int32.self, capacity: parameters.outputCount)
    }

    func eval(_ pool: WorkerPool?) {
        if isUInt8 {
            mean(parameters, input: input!.assumingMemoryBound(to: UInt8.self), sums: sums!, output: output!.assumingMemoryBound(to: UInt8.self))
        } else {
            mean(parameters, input: input!.assumingMemoryBound(to: Int8.self), sums: sums!, output: output!.assumingMemoryBound(to: Int8.self))
        }
    }
}

extension SumOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.reducedCount * parameters.outputCount
    }
}
