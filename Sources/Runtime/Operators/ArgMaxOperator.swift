import Kernels
import TFLite

/// ARG_MAX over a constant axis of an 8-bit tensor, int32 or int64 output; the first maximum wins.
final class ArgMaxOperator: PreparedOperator {
    private let parameters: ArgMaxParameters
    private let isUInt8: Bool
    private let outputsInt64: Bool
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        guard inputTensor.type == .int8 || inputTensor.type == .uint8 else {
            throw ctx.unsupported("\(inputTensor.type.name) input is not supported")
        }
        guard outputTensor.type == .int32 || outputTensor.type == .int64 else {
            throw ctx.unsupported("\(outputTensor.type.name) output is not supported")
        }
        let axisTensor = try ctx.input(1)
        let axis: [Int] = axisTensor.type == .int64
            ? try ctx.constantInput(1, as: Int64.self).map { Int($0) }
            : try ctx.constantInput(1, as: Int32.self).map(Int.init)
        guard axis.count == 1 else { throw ctx.invalid("axis must be a single value") }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in try ArgMaxParameters(inputShape: inputTensor.shape, axis: axis[0]) }
        var reducedShape = inputTensor.shape
        reducedShape.remove(at: axis[0] < 0 ? axis[0] + reducedShape.count : axis[0])
        try ctx.setOutputShape(0, reducedShape)
        isUInt8 = inputTensor.type == .uint8
        outputsInt64 = outputTensor.type == .int64
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        switch (isUInt8, outputsInt64) {
        case (true, true): argMax(parameters, input: input!.assumingMemoryBound(to: UInt8.self), output: output!.assumingMemoryBound(to: Int64.self))
        case (true, false): argMax(parameters, input: input!.assumingMemoryBound(to: UInt8.self), output: output!.assumingMemoryBound(to: Int32.self))
        case (false, true): argMax(parameters, input: input!.assumingMemoryBound(to: Int8.self), output: output!.assumingMemoryBound(to: Int64.self))
        case (false, false): argMax(parameters, input: input!.assumingMemoryBound(to: Int8.self), output: output!.assumingMemoryBound(to: Int32.self))
        }
    }
}
