import Kernels
import TFLite

/// Int8 ABS and SQUARED_DIFFERENCE with TFLite's rescaling.
final class QuantizedElementwiseOperator: PreparedOperator {
    private enum Kernel {
        case abs(QuantizedAbsParameters, count: Int)
        case squaredDifference(QuantizedSquaredDifferenceParameters)
    }

    private let kernel: Kernel
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard a.type == .int8, out.type == .int8 else { throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported") }
        let qa = try ctx.quantization(a), qo = try ctx.quantization(out)
        if ctx.op.opcode == .abs {
            try ctx.setOutputShape(0, a.shape)
            kernel = .abs(QuantizedAbsParameters(inputScale: qa.scale, inputZeroPoint: qa.zeroPoint, outputScale: qo.scale,
                                                 outputZeroPoint: qo.zeroPoint), count: a.elementCount)
            slots = [try ctx.inputIndex(0), try ctx.outputIndex(0)]
        } else {
            let b = try ctx.input(1)
            guard b.type == .int8 else { throw ctx.unsupported("mixes int8 and \(b.type.name)") }
            let qb = try ctx.quantization(b)
            let p = try ctx.prepare { () throws(KernelPreparationError) in
                try QuantizedSquaredDifferenceParameters(input1Shape: a.shape, input2Shape: b.shape, input1Scale: qa.scale,
                                                         input1ZeroPoint: qa.zeroPoint, input2Scale: qb.scale, input2ZeroPoint: qb.zeroPoint,
                                                         outputScale: qo.scale, outputZeroPoint: qo.zeroPoint)
            }
            try ctx.setOutputShape(0, p.broadcast.outputShape)
            kernel = .squaredDifference(p)
            slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0)]
        }
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
    }

    func eval(_ pool: WorkerPool?) {
        switch kernel {
        case .abs(let p, let count):
            quantizedAbs(p, input: pointers[0].assumingMemoryBound(to: Int8.self), output: pointers[1].assumingMemoryBound(to: Int8.self), count: count)
        case .squaredDifference(let p):
            quantizedSquaredDifference(p, input1: pointers[0].assumingMemoryBound(to: Int8.self), input2: pointers[1].assumingMemoryBound(to: Int8.self),
                                       output: pointers[2].assumingMemoryBound(to: Int8.self))
        }
    }
}

extension QuantizedElementwiseOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        switch kernel {
        case .abs(_, let count): count
        case .squaredDifference(let p): p.broadcast.outputCount
        }
    }
}
