import Kernels
import TFLite

/// DYNAMIC_UPDATE_SLICE: the input with the update written at run-time start indices (int32 or int64, clamped as
/// TFLite clamps them). Any fixed-size element type; input, update and output share it.
final class DynamicUpdateSliceOperator: PreparedOperator {
    private let parameters: DynamicUpdateSliceParameters
    private let indicesAreInt64: Bool
    private let slots: (input: Int, update: Int, indices: Int, output: Int)
    private var input: UnsafeMutableRawPointer?
    private var update: UnsafeMutableRawPointer?
    private var indices: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), u = try ctx.input(1), i = try ctx.input(2), out = try ctx.output(0)
        guard a.type == u.type, a.type == out.type, [1, 2, 4, 8].contains(a.type.byteWidth) else {
            throw ctx.unsupported("input \(a.type.name), update \(u.type.name) and output \(out.type.name) must share one fixed-size type")
        }
        guard i.type == .int32 || i.type == .int64 else { throw ctx.unsupported("start indices must be int32 or int64, are \(i.type.name)") }
        guard i.elementCount == a.shape.count else {
            throw ctx.invalid("\(i.elementCount) start indices for an input of rank \(a.shape.count)")
        }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in
            try DynamicUpdateSliceParameters(inputShape: a.shape, updateShape: u.shape, elementSize: a.type.byteWidth)
        }
        try ctx.setOutputShape(0, a.shape)
        indicesAreInt64 = i.type == .int64
        slots = (try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.inputIndex(2), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.input)
        update = memory.address(slots.update)
        indices = memory.address(slots.indices)
        output = memory.address(slots.output)
    }

    func eval(_ pool: WorkerPool?) {
        if indicesAreInt64 {
            dynamicUpdateSlice(parameters, input: input!, update: update!, indices: indices!.assumingMemoryBound(to: Int64.self), output: output!)
        } else {
            dynamicUpdateSlice(parameters, input: input!, update: update!, indices: indices!.assumingMemoryBound(to: Int32.self), output: output!)
        }
    }
}

extension DynamicUpdateSliceOperator {
    /// Element copies per invoke (this operator does no multiply-accumulates), so that a model made only of it
    /// still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.inputCount + parameters.updateCount
    }
}
