import Kernels
import TFLite

/// CONCATENATION along any axis: int8 (equal quantisation: a copy), uint8 (requantised when scales differ), or
/// any fixed-width type without quantisation.
final class ConcatenationOperator: PreparedOperator {
    private let parameters: ConcatenationParameters
    private let elementType: TensorType
    private let inputIndices: [Int]
    private let outputIndex: Int
    // Bound once; eval passes these arrays along without allocating.
    private var inputs8: [UnsafePointer<Int8>] = []
    private var inputsU8: [UnsafePointer<UInt8>] = []
    private var inputs32: [UnsafePointer<UInt32>] = []
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard case .concatenation(let options) = ctx.op.options else { throw ctx.invalid("missing Concatenation options") }
        guard ctx.inputCount > 0 else { throw ctx.invalid("has no inputs") }
        let inputs = try (0..<ctx.inputCount).map { (i) throws(RuntimeError) in try ctx.input(i) }
        let outputTensor = try ctx.output(0)
        guard inputs.allSatisfy({ $0.type == outputTensor.type }) else { throw ctx.invalid("inputs and output differ in type") }
        let shapes = inputs.map(\.shape)
        switch outputTensor.type {
        case .int8, .uint8:
            let qo = try ctx.quantization(outputTensor)
            if options.activation != .none {
                let range = try ctx.activationRange(options.activation, output: outputTensor)
                let full = OperatorContext.range(of: outputTensor.type)
                guard range == full else { throw ctx.unsupported("a fused activation that clips is not supported") }
            }
            if outputTensor.type == .int8 {
                for t in inputs {
                    let q = try ctx.quantization(t)
                    guard q.scale == qo.scale, q.zeroPoint == qo.zeroPoint else {
                        throw ctx.unsupported("int8 inputs must share the output's scale and zero point")
                    }
                }
                parameters = try ctx.prepare { () throws(KernelPreparationError) in try ConcatenationParameters(inputShapes: shapes, axis: options.axis) }
            } else {
                var scales: [Float] = [], zeroPoints: [Int32] = []
                for t in inputs {
                    let q = try ctx.quantization(t)
                    scales.append(q.scale)
                    zeroPoints.append(q.zeroPoint)
                }
                parameters = try ctx.prepare { () throws(KernelPreparationError) in
                    try ConcatenationParameters(inputShapes: shapes, axis: options.axis, inputScales: scales, inputZeroPoints: zeroPoints,
                                                outputScale: qo.scale, outputZeroPoint: qo.zeroPoint)
                }
            }
        case .float32, .int32:
            guard options.activation == .none else { throw ctx.unsupported("fused activations on \(outputTensor.type.name) are not supported") }
            parameters = try ctx.prepare { () throws(KernelPreparationError) in try ConcatenationParameters(inputShapes: shapes, axis: options.axis) }
        default:
            throw ctx.unsupported("\(outputTensor.type.name) tensors are not supported")
        }
        try ctx.setOutputShape(0, parameters.outputShape)
        elementType = outputTensor.type
        inputIndices = try (0..<ctx.inputCount).map { (i) throws(RuntimeError) in try ctx.inputIndex(i) }
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        let raw = inputIndices.map { UnsafeRawPointer(memory.address($0)) }
        inputs8 = raw.map { $0.assumingMemoryBound(to: Int8.self) }
        inputsU8 = raw.map { $0.assumingMemoryBound(to: UInt8.self) }
        inputs32 = raw.map { $0.assumingMemoryBound(to: UInt32.self) }
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        switch elementType {
        case .int8:
            concatenate(parameters, inputs: inputs8, output: output!.assumingMemoryBound(to: Int8.self))
        case .uint8:
            concatenateWithScaling(parameters, inputs: inputsU8, output: output!.assumingMemoryBound(to: UInt8.self))
        default:
            concatenate(parameters, inputs: inputs32, output: output!.assumingMemoryBound(to: UInt32.self))
        }
    }
}
