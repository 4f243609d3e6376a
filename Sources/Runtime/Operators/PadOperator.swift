import Kernels
import TFLite

/// PAD and PADV2 on 8-bit tensors: constant paddings, filled with the zero point (PAD) or the given constant (PADV2).
final class PadOperator: PreparedOperator {
    private let parameters: PadParameters
    private let isUInt8: Bool
    private let padValue: UInt8
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, outputTensor)
        let qi = try ctx.quantization(inputTensor), qo = try ctx.quantization(outputTensor)
        guard qi.scale == qo.scale, qi.zeroPoint == qo.zeroPoint else {
            throw ctx.unsupported("input and output must share scale and zero point")
        }
        let paddingTensor = try ctx.input(1)
        let raw: [Int]
        switch paddingTensor.type {
        case .int32: raw = try ctx.constantInput(1, as: Int32.self).map(Int.init)
        case .int64: raw = try ctx.constantInput(1, as: Int64.self).map { Int($0) }
        default: throw ctx.unsupported("paddings of type \(paddingTensor.type.name) are not supported")
        }
        guard raw.count == 2 * inputTensor.shape.count else {
            throw ctx.invalid("paddings hold \(raw.count) values for a \(inputTensor.shape.count)-D input")
        }
        let pairs = (0..<inputTensor.shape.count).map { (before: raw[2 * $0], after: raw[2 * $0 + 1]) }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in try PadParameters(inputShape: inputTensor.shape, paddings: pairs) }
        try ctx.setOutputShape(0, parameters.outputShape)
        if ctx.op.opcode == .padv2, ctx.optionalInput(2) != nil {
            let value = type == .uint8 ? try ctx.constantInput(2, as: UInt8.self) : try ctx.constantInput(2, as: Int8.self).map { UInt8(bitPattern: $0) }
            guard value.count == 1 else { throw ctx.invalid("the constant value must be a scalar") }
            padValue = value[0]
        } else {
            padValue = UInt8(truncatingIfNeeded: qo.zeroPoint)
        }
        isUInt8 = type == .uint8
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        // Padding moves bytes; the element's signedness is irrelevant.
        pad(parameters, input: input!.assumingMemoryBound(to: UInt8.self), output: output!.assumingMemoryBound(to: UInt8.self), padValue: padValue)
    }
}
