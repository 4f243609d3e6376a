import Kernels
import TFLite

/// Int8 BATCH_MATMUL with per-tensor quantisation, adj_x / adj_y and batch broadcasting.
final class BatchMatMulOperator: PreparedOperator {
    private let parameters: BatchMatMulParameters
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []

    var macs: Int { parameters.batchDims.reduce(1, *) * parameters.rows * parameters.cols * parameters.depth }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let l = try ctx.input(0), r = try ctx.input(1), out = try ctx.output(0)
        guard l.type == .int8, r.type == .int8, out.type == .int8 else {
            throw ctx.unsupported("\(l.type.name) × \(r.type.name) → \(out.type.name) is not supported (int8 only)")
        }
        let ql = try ctx.quantization(l), qr = try ctx.quantization(r), qo = try ctx.quantization(out)
        guard ql.scales.count == 1, qr.scales.count == 1 else { throw ctx.unsupported("per-channel quantisation is not supported") }
        var adjX = false, adjY = false
        if case .scalars(let o) = ctx.op.options { adjX = o.bool(0); adjY = o.bool(1) }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in
            try BatchMatMulParameters(lhsShape: l.shape, rhsShape: r.shape, adjX: adjX, adjY: adjY, lhsScale: ql.scale, lhsZeroPoint: ql.zeroPoint,
                                      rhsScale: qr.scale, rhsZeroPoint: qr.zeroPoint, outputScale: qo.scale, outputZeroPoint: qo.zeroPoint)
        }
        try ctx.setOutputShape(0, parameters.outputShape)
        slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0)]
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
    }

    func eval(_ pool: WorkerPool?) {
        batchMatMul(parameters, lhs: pointers[0].assumingMemoryBound(to: Int8.self), rhs: pointers[1].assumingMemoryBound(to: Int8.self),
                    output: pointers[2].assumingMemoryBound(to: Int8.self))
    }
}
