import Kernels
import TFLite

/// GATHER (batch_dims 0) and GATHER_ND: indices (int32 or int64) may be computed at run time, so the kernels check
/// each one (an out-of-range index yields zeros; TFLite would fail the invoke).
final class GatherOperator: PreparedOperator {
    private enum Kernel {
        case gather(GatherParameters)
        case gatherND(GatherNDParameters)
    }

    private let kernel: Kernel
    private let elementSize: Int
    private let indices64: Bool
    private let slots: (params: Int, indices: Int, output: Int)
    private var params: UnsafeMutableRawPointer?
    private var indices: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let p = try ctx.input(0), idx = try ctx.input(1), out = try ctx.output(0)
        guard idx.type == .int32 || idx.type == .int64 else { throw ctx.unsupported("indices of type \(idx.type.name)") }
        guard out.type == p.type, [1, 2, 4, 8].contains(p.type.byteWidth) else {
            throw ctx.unsupported("gathers \(p.type.name) into \(out.type.name)")
        }
        if ctx.op.opcode == .gatherND {
            guard let depth = idx.shape.last, idx.shape.count >= 1, depth >= 1, depth <= p.shape.count else {
                throw ctx.invalid("indices \(idx.shape) do not address params \(p.shape)")
            }
            let slices = idx.shape.dropLast().reduce(1, *)
            try ctx.setOutputShape(0, Array(idx.shape.dropLast()) + Array(p.shape[depth...]))
            kernel = .gatherND(GatherNDParameters(paramsShape: p.shape, depth: depth, sliceCount: slices))
        } else {
            var axisValue = 0, batchDims = 0
            if case .scalars(let o) = ctx.op.options { axisValue = o.int(0); batchDims = o.int(1) }
            guard batchDims == 0 else { throw ctx.unsupported("batch_dims \(batchDims) is not supported") }
            let a = try CopyPlanOperator.axis(ctx, axisValue, rank: p.shape.count)
            try ctx.setOutputShape(0, Array(p.shape[..<a]) + idx.shape + Array(p.shape[(a + 1)...]))
            kernel = .gather(GatherParameters(outer: p.shape[..<a].reduce(1, *), axisSize: p.shape[a],
                                              inner: p.shape[(a + 1)...].reduce(1, *), indexCount: idx.elementCount))
        }
        elementSize = p.type.byteWidth
        indices64 = idx.type == .int64
        slots = (try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        params = memory.address(slots.params)
        indices = memory.address(slots.indices)
        output = memory.address(slots.output)
    }

    func eval(_ pool: WorkerPool?) {
        switch elementSize {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        default: run(UInt64.self)
        }
    }

    private func run<T>(_: T.Type) {
        let src = UnsafePointer(params!.assumingMemoryBound(to: T.self))
        switch kernel {
        case .gather(let p):
            if indices64 {
                gather(p, params: src, indices: indices!.assumingMemoryBound(to: Int64.self), output: output!)
            } else {
                gather(p, params: src, indices: indices!.assumingMemoryBound(to: Int32.self), output: output!)
            }
        case .gatherND(let p):
            let dst = output!.assumingMemoryBound(to: T.self)
            if indices64 {
                gatherND(p, params: src, indices: indices!.assumingMemoryBound(to: Int64.self), output: dst)
            } else {
                gatherND(p, params: src, indices: indices!.assumingMemoryBound(to: Int32.self), output: dst)
            }
        }
    }
}

extension GatherOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        switch kernel {
        case .gather(let p): p.outer * p.indexCount * p.inner
        case .gatherND(let p): p.sliceCount * p.sliceSize
        }
    }
}
