import Kernels
import TFLite

/// SUM over constant axes, int8 or uint8: LiteRT's reference `QuantizedMeanOrSum` with compute_sum, i.e. MEAN's
/// kernel with the plain multiplier s_in / s_out (no 1/N folded in).
///
/// Int8 follows the reference resolver byte for byte, and that kernel (reduce.cc, `QuantizedMeanOrSum<int8_t,
/// kReference>`) passes the int8 tensors to the uint8 instantiation of `reference_ops::QuantizedMeanOrSum`: each
/// byte is read as 0…255 (−1 counts as 255), summed into int32, corrected by the int8 zero points, requantised and
/// clamped to 0…255, and the result byte is stored into the int8 output. So the int8 results equal LiteRT's
/// `BUILTIN_REF` ones, not the true quantised sums its optimised and XNNPACK kernels give (Tests/Fixtures/
/// conformance/README.md).
final class SumOperator: PreparedOperator {
    private let parameters: MeanParameters
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?
    private var sums: UnsafeMutablePointer<Int32>?

    var scratchBytes: Int { parameters.outputCount * MemoryLayout<Int32>.size }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        _ = try ctx.requireQuantizedType(a, out)
        var axes: [Int] = []
        for v in try CopyPlanOperator.integers(ctx, 1) {
            let resolved = try CopyPlanOperator.axis(ctx, v, rank: a.shape.count)
            if !axes.contains(resolved) { axes.append(resolved) }
        }
        let qa = try ctx.quantization(a), qo = try ctx.quantization(out)
        // The reference's int8 path runs the uint8 kernel (see above), so its output range is uint8's.
        let range = OperatorContext.range(of: .uint8)
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
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
        sums = memory.scratch!.bindMemory(to: Int32.self, capacity: parameters.outputCount)
    }

    func eval(_ pool: WorkerPool?) {
        // Both types run the uint8 kernel: for int8 that is the reference's reading of the bytes (see above).
        mean(parameters, input: input!.assumingMemoryBound(to: UInt8.self), sums: sums!, output: output!.assumingMemoryBound(to: UInt8.self))
    }
}

extension SumOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.reducedCount * parameters.outputCount
    }
}
