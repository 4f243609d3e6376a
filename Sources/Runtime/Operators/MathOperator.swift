import Kernels
import TFLite

/// Elementwise math on float32 and int32 tensors (and raw 8-bit MINIMUM/MAXIMUM): float ADD, DIV, FLOOR_DIV,
/// MINIMUM, MAXIMUM, SQUARED_DIFFERENCE with broadcasting; SQRT, RSQRT, ABS, NEG, EXP, LOG, ROUND, ELU on float32.
/// Quantised variants that need rescaling (int8 ABS, NEG, SQUARED_DIFFERENCE, DIV, …) are refused by name.
final class MathOperator: PreparedOperator {
    private enum Kernel {
        case floatUnary(FloatUnaryFunction, count: Int)
        case floatBinary(BinaryFunction, FloatBinaryParameters)
        case int32Binary(BinaryFunction, BroadcastShape)
        case int8Binary(BinaryFunction, BroadcastShape)
        case uint8Binary(BinaryFunction, BroadcastShape)
    }

    private let kernel: Kernel
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []

    static func unaryFunction(_ code: BuiltinOperator) -> FloatUnaryFunction? {
        switch code {
        case .sqrt: .sqrt
        case .rsqrt: .rsqrt
        case .abs: .abs
        case .neg: .neg
        case .exp: .exp
        case .log: .log
        case .square: .square
        case .floor: .floor
        case .ceil: .ceil
        case .sin: .sin
        case .cos: .cos
        case .round: .round
        case .elu: .elu
        default: nil
        }
    }

    static func binaryFunction(_ code: BuiltinOperator) -> BinaryFunction? {
        switch code {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        case .floorDiv: .floorDiv
        case .floorMod: .floorMod
        case .minimum: .minimum
        case .maximum: .maximum
        case .squaredDifference: .squaredDifference
        default: nil
        }
    }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        if let f = Self.unaryFunction(ctx.op.opcode) {
            guard a.type == .float32, out.type == .float32 else {
                throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported (float32 only)")
            }
            try ctx.setOutputShape(0, a.shape)
            kernel = .floatUnary(f, count: a.elementCount)
            slots = [try ctx.inputIndex(0), try ctx.outputIndex(0)]
            return
        }
        guard let f = Self.binaryFunction(ctx.op.opcode) else { throw ctx.unsupported("not an elementwise operator") }
        let b = try ctx.input(1)
        guard b.type == a.type, out.type == a.type else {
            throw ctx.unsupported("mixes \(a.type.name), \(b.type.name) and \(out.type.name)")
        }
        var activation: ActivationFunction = .none
        if case .arithmetic(let o) = ctx.op.options { activation = o.activation }
        switch a.type {
        case .float32:
            let fused = try ctx.fusedActivation(activation)
            let p = try ctx.prepare { () throws(KernelPreparationError) in
                try FloatBinaryParameters(input1Shape: a.shape, input2Shape: b.shape, activation: fused)
            }
            try ctx.setOutputShape(0, p.broadcast.outputShape)
            kernel = .floatBinary(f, p)
        case .int32, .int8, .uint8:
            guard activation == .none else { throw ctx.unsupported("fused activation on \(a.type.name) is not supported") }
            if a.type != .int32 {
                // 8-bit MINIMUM/MAXIMUM compare raw values; TFLite requires the tensors to share quantisation.
                guard f == .minimum || f == .maximum else { throw ctx.unsupported("quantised \(ctx.op.name) is not supported") }
                let qa = try ctx.quantization(a), qb = try ctx.quantization(b), qo = try ctx.quantization(out)
                guard qa.scale == qo.scale, qb.scale == qo.scale, qa.zeroPoint == qo.zeroPoint, qb.zeroPoint == qo.zeroPoint else {
                    throw ctx.unsupported("inputs and output must share scale and zero point")
                }
            }
            let shape = try ctx.prepare { () throws(KernelPreparationError) in
                try BroadcastShape(input1Shape: a.shape, input2Shape: b.shape)
            }
            try ctx.setOutputShape(0, shape.outputShape)
            kernel = a.type == .int32 ? .int32Binary(f, shape) : a.type == .int8 ? .int8Binary(f, shape) : .uint8Binary(f, shape)
        default:
            throw ctx.unsupported("\(a.type.name) tensors are not supported")
        }
        slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0)]
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
    }

    func eval(_ pool: WorkerPool?) {
        switch kernel {
        case .floatUnary(let f, let count):
            floatUnary(f, input: pointers[0].assumingMemoryBound(to: Float.self), output: pointers[1].assumingMemoryBound(to: Float.self), count: count)
        case .floatBinary(let f, let p):
            floatBinary(f, p, input1: pointers[0].assumingMemoryBound(to: Float.self), input2: pointers[1].assumingMemoryBound(to: Float.self),
                        output: pointers[2].assumingMemoryBound(to: Float.self))
        case .int32Binary(let f, let s): binary(f, s, Int32.self)
        case .int8Binary(let f, let s): binary(f, s, Int8.self)
        case .uint8Binary(let f, let s): binary(f, s, UInt8.self)
        }
    }

    private func binary<T: FixedWidthInteger>(_ f: BinaryFunction, _ s: BroadcastShape, _: T.Type) {
        integerBinary(f, s, input1: pointers[0].assumingMemoryBound(to: T.self), input2: pointers[1].assumingMemoryBound(to: T.self),
                      output: pointers[2].assumingMemoryBound(to: T.self))
    }
}

extension MathOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        switch kernel {
        case .floatUnary(_, let count): count
        case .floatBinary(_, let p): p.broadcast.outputCount
        case .int32Binary(_, let s), .int8Binary(_, let s), .uint8Binary(_, let s): s.outputCount
        }
    }
}
