import Kernels
import TFLite

/// Int8 and uint8 DIV with broadcasting and fused activation.
final class QuantizedDivOperator: PreparedOperator {
    private let parameters: QuantizedDivParameters
    private let isUInt8: Bool
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), b = try ctx.input(1), out = try ctx.output(0)
        let type = try ctx.requireQuantizedType(a, b, out)
        let qa = try ctx.quantization(a), qb = try ctx.quantization(b), qo = try ctx.quantization(out)
        var activation: ActivationFunction = .none
        if case .arithmetic(let o) = ctx.op.options { activation = o.activation }
        let bounds = try ctx.activationRange(activation, output: out)
        parameters = try ctx.prepare { () throws(KernelPreparationError) in
            try QuantizedDivParameters(input1Shape: a.shape, input2Shape: b.shape, input1Scale: qa.scale, input1ZeroPoint: qa.zeroPoint,
                                       input2Scale: qb.scale, input2ZeroPoint: qb.zeroPoint, outputScale: qo.scale, outputZeroPoint: qo.zeroPoint,
                                       outputMin: bounds.min, outputMax: bounds.max)
        }
        try ctx.setOutputShape(0, parameters.broadcast.outputShape)
        isUInt8 = type == .uint8
        slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0)]
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
    }

    func eval(_ pool: WorkerPool?) {
        if isUInt8 {
            quantizedDivide(parameters, input1: pointers[0].assumingMemoryBound(to: UInt8.self), input2: pointers[1].assumingMemoryBound(to: UInt8.self),
                            output: pointers[2].assumingMemoryBound(to: UInt8.self))
        } else {
            quantizedDivide(parameters, input1: pointers[0].assumingMemoryBound(to: Int8.self), input2: pointers[1].assumingMemoryBound(to: Int8.self),
                            output: pointers[2].assumingMemoryBound(to: Int8.self))
        }
    }
}

extension QuantizedDivOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.broadcast.outputCount
    }
}
