import Kernels
import TFLite

/// BROADCAST_ARGS: the broadcast shape of two 1-D int32 or int64 shape tensors read at run time.
final class BroadcastArgsOperator: PreparedOperator {
    private let counts: (Int, Int)
    private let isInt64: Bool
    private let slots: (Int, Int, Int)
    private var pointers: (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?)

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), b = try ctx.input(1), out = try ctx.output(0)
        guard a.type == .int32 || a.type == .int64, b.type == a.type, out.type == a.type else {
            throw ctx.unsupported("\(a.type.name), \(b.type.name) → \(out.type.name) is not supported (int32 or int64 throughout)")
        }
        guard a.shape.count == 1, b.shape.count == 1 else {
            throw ctx.invalid("shapes \(a.shape) and \(b.shape) must both be 1-D")
        }
        counts = (a.shape[0], b.shape[0])
        try ctx.setOutputShape(0, [max(a.shape[0], b.shape[0])])
        isInt64 = a.type == .int64
        slots = (try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        pointers = (memory.address(slots.0), memory.address(slots.1), memory.address(slots.2))
    }

    func eval(_ pool: WorkerPool?) {
        if isInt64 { run(Int64.self) } else { run(Int32.self) }
    }

    private func run<T: FixedWidthInteger>(_: T.Type) {
        broadcastArgs(shape1: pointers.0!.assumingMemoryBound(to: T.self), count1: counts.0,
                      shape2: pointers.1!.assumingMemoryBound(to: T.self), count2: counts.1,
                      output: pointers.2!.assumingMemoryBound(to: T.self))
    }
}

extension BroadcastArgsOperator {
    /// One element operation per output extent, so that a model made only of it still reports a nonzero cost.
    var macs: Int {
        max(counts.0, counts.1)
    }
}
