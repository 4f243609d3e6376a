import Kernels
import TFLite

/// ARG_MIN over a constant axis of an int8, uint8, int32 or float32 tensor, int32 or int64 output; the first
/// minimum wins.
final class ArgMinOperator: PreparedOperator {
    private let parameters: ArgMaxParameters
    private let inputType: TensorType
    private let outputsInt64: Bool
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard [.int8, .uint8, .int32, .float32].contains(a.type) else {
            throw ctx.unsupported("\(a.type.name) input is not supported (int8, uint8, int32 and float32 are)")
        }
        guard out.type == .int32 || out.type == .int64 else {
            throw ctx.unsupported("\(out.type.name) output is not supported (int32 and int64 are)")
        }
        let axis = try CopyPlanOperator.integers(ctx, 1)
        guard axis.count == 1 else { throw ctx.invalid("axis must be a single value, has \(axis.count)") }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in try ArgMaxParameters(inputShape: a.shape, axis: axis[0]) }
        try ctx.setOutputShape(0, parameters.outputShape)
        inputType = a.type
        outputsInt64 = out.type == .int64
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        switch inputType {
        case .int8: run(Int8.self)
        case .uint8: run(UInt8.self)
        case .int32: run(Int32.self)
        default: run(Float.self)
        }
    }

    private func run<T: Comparable>(_: T.Type) {
        let i = input!.assumingMemoryBound(to: T.self)
        if outputsInt64 {
            argMin(parameters, input: i, output: output!.assumingMemoryBound(to: Int64.self))
        } else {
            argMin(parameters, input: i, output: output!.assumingMemoryBound(to: Int32.self))
        }
    }
}

extension ArgMinOperator {
    /// Element operations per invoke (one per input element; this operator does no multiply-accumulates), so
    /// that a model made only of it still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.outerSize * parameters.axisSize * parameters.innerSize
    }
}
