import TFLite

/// RESHAPE and SQUEEZE: the bytes are unchanged, only the shape differs, so eval is a copy (none when in place).
final class ReshapeOperator: PreparedOperator {
    private let byteCount: Int
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        guard inputTensor.type == outputTensor.type else {
            throw ctx.invalid("input is \(inputTensor.type.name) but output is \(outputTensor.type.name)")
        }
        guard inputTensor.elementCount == outputTensor.elementCount else {
            throw ctx.invalid("cannot reshape \(inputTensor.shape) into \(outputTensor.shape)")
        }
        if let q = inputTensor.quantization, let r = outputTensor.quantization, q.scales != r.scales || q.zeroPoints != r.zeroPoints {
            throw ctx.invalid("input and output quantisation differ")
        }
        byteCount = inputTensor.byteCount
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval() {
        if input != output { output!.copyMemory(from: input!, byteCount: byteCount) }
    }
}
