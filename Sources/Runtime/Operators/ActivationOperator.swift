import Kernels
import TFLite

/// Element-wise activations on 8-bit tensors: LOGISTIC and TANH (float-built tables), HARD_SWISH, LEAKY_RELU,
/// and standalone RELU, RELU6, RELU_N1_TO_1.
final class ActivationOperator: PreparedOperator {
    private enum Kernel {
        case table(ActivationLookupTable)
        case hardSwish(HardSwishParameters)
        case leakyRelu(LeakyReluParameters)
        case relu(ReluParameters)
    }

    private let kernel: Kernel
    private let isUInt8: Bool
    private let count: Int
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, outputTensor)
        try ctx.setOutputShape(0, inputTensor.shape)
        let qi = try ctx.quantization(inputTensor), qo = try ctx.quantization(outputTensor)
        let kind = OperatorContext.quantizedType(type)
        switch ctx.op.opcode {
        case .logistic:
            kernel = .table(.logistic(type: kind, inputScale: qi.scale, inputZeroPoint: qi.zeroPoint,
                                      outputScale: qo.scale, outputZeroPoint: qo.zeroPoint))
        case .tanh:
            kernel = .table(.tanh(type: kind, inputScale: qi.scale, inputZeroPoint: qi.zeroPoint,
                                  outputScale: qo.scale, outputZeroPoint: qo.zeroPoint))
        case .hardSwish:
            kernel = .hardSwish(try ctx.prepare { () throws(KernelPreparationError) in
                try HardSwishParameters(inputScale: qi.scale, inputZeroPoint: qi.zeroPoint, outputScale: qo.scale, outputZeroPoint: qo.zeroPoint)
            })
        case .leakyRelu:
            guard case .leakyRelu(let o) = ctx.op.options else { throw ctx.invalid("missing LeakyRelu options") }
            kernel = .leakyRelu(LeakyReluParameters(alpha: o.alpha, inputScale: qi.scale, inputZeroPoint: qi.zeroPoint,
                                                    outputScale: qo.scale, outputZeroPoint: qo.zeroPoint))
        case .relu, .relu6, .reluN1To1:
            let reluKind: ReluKind = ctx.op.opcode == .relu ? .relu : ctx.op.opcode == .relu6 ? .relu6 : .reluN1To1
            kernel = .relu(ReluParameters(kind: reluKind, type: kind, inputScale: qi.scale, inputZeroPoint: qi.zeroPoint,
                                          outputScale: qo.scale, outputZeroPoint: qo.zeroPoint))
        default:
            throw ctx.unsupported("not an activation")
        }
        isUInt8 = type == .uint8
        count = inputTensor.elementCount
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        if isUInt8 {
            run(input!.assumingMemoryBound(to: UInt8.self), output!.assumingMemoryBound(to: UInt8.self))
        } else {
            run(input!.assumingMemoryBound(to: Int8.self), output!.assumingMemoryBound(to: Int8.self))
        }
    }

    @inline(__always)
    private func run<T: Quantized8BitInteger>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        switch kernel {
        case .table(let lut): lookup(lut, input: x, output: y, count: count)
        case .hardSwish(let p): hardSwish(p, input: x, output: y, count: count)
        case .leakyRelu(let p): leakyRelu(p, input: x, output: y, count: count)
        case .relu(let p): relu(p, input: x, output: y, count: count)
        }
    }
}
