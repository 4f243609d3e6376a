import Kernels
import TFLite

/// SOFTMAX over the last dimension, int8 or uint8, through the reference fixed-point path.
final class SoftmaxOperator: PreparedOperator {
    private let parameters: SoftmaxParameters
    private let isUInt8: Bool
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard case .softmax(let options) = ctx.op.options else { throw ctx.invalid("missing Softmax options") }
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, outputTensor)
        guard let depth = inputTensor.shape.last, depth > 0 else {
            throw ctx.invalid("input \(inputTensor.shape) has no classes")
        }
        try ctx.setOutputShape(0, inputTensor.shape)
        let inQ = try ctx.quantization(inputTensor), outQ = try ctx.quantization(outputTensor)
        let expectedZeroPoint: Int32 = type == .int8 ? -128 : 0
        guard outQ.scale == 1.0 / 256, outQ.zeroPoint == expectedZeroPoint else {
            throw ctx.unsupported("the output must have scale 1/256 and zero point \(expectedZeroPoint)")
        }
        parameters = SoftmaxParameters(outerSize: inputTensor.elementCount / depth, depth: depth, beta: options.beta, inputScale: inQ.scale)
        isUInt8 = type == .uint8
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        if isUInt8 {
            softmax(parameters, input: input!.assumingMemoryBound(to: UInt8.self), output: output!.assumingMemoryBound(to: UInt8.self))
        } else {
            softmax(parameters, input: input!.assumingMemoryBound(to: Int8.self), output: output!.assumingMemoryBound(to: Int8.self))
        }
    }
}
