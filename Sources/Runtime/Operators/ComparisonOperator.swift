import Kernels
import TFLite

/// EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL with broadcasting: int8/uint8 (rescaled as TFLite
/// does), float32, int32 and int64 inputs; a bool output.
final class ComparisonOperator: PreparedOperator {
    private enum Kernel {
        case int8(QuantizedComparisonParameters)
        case uint8(QuantizedComparisonParameters)
        case float32, int32, int64
    }

    private let kernel: Kernel
    private let function: ComparisonFunction
    private let shape: BroadcastShape
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), b = try ctx.input(1), out = try ctx.output(0)
        guard a.type == b.type else { throw ctx.unsupported("compares \(a.type.name) with \(b.type.name)") }
        guard out.type == .bool else { throw ctx.invalid("output must be bool, is \(out.type.name)") }
        switch ctx.op.opcode {
        case .equal: function = .equal
        case .notEqual: function = .notEqual
        case .greater: function = .greater
        case .greaterEqual: function = .greaterEqual
        case .less: function = .less
        default: function = .lessEqual
        }
        switch a.type {
        case .int8, .uint8:
            let qa = try ctx.quantization(a), qb = try ctx.quantization(b)
            let p = try ctx.prepare { () throws(KernelPreparationError) in
                try QuantizedComparisonParameters(input1Scale: qa.scale, input1ZeroPoint: qa.zeroPoint,
                                                  input2Scale: qb.scale, input2ZeroPoint: qb.zeroPoint)
            }
            kernel = a.type == .int8 ? .int8(p) : .uint8(p)
        case .float32: kernel = .float32
        case .int32: kernel = .int32
        case .int64: kernel = .int64
        default: throw ctx.unsupported("\(a.type.name) comparisons are not supported")
        }
        shape = try ctx.prepare { () throws(KernelPreparationError) in try BroadcastShape(input1Shape: a.shape, input2Shape: b.shape) }
        try ctx.setOutputShape(0, shape.outputShape)
        slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0)]
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
    }

    func eval(_ pool: WorkerPool?) {
        let out = pointers[2].assumingMemoryBound(to: UInt8.self)
        switch kernel {
        case .int8(let p):
            compareQuantized(function, shape, p, input1: pointers[0].assumingMemoryBound(to: Int8.self),
                             input2: pointers[1].assumingMemoryBound(to: Int8.self), output: out)
        case .uint8(let p):
            compareQuantized(function, shape, p, input1: pointers[0].assumingMemoryBound(to: UInt8.self),
                             input2: pointers[1].assumingMemoryBound(to: UInt8.self), output: out)
        case .float32:
            compare(function, shape, input1: pointers[0].assumingMemoryBound(to: Float.self), input2: pointers[1].assumingMemoryBound(to: Float.self), output: out)
        case .int32:
            compare(function, shape, input1: pointers[0].assumingMemoryBound(to: Int32.self), input2: pointers[1].assumingMemoryBound(to: Int32.self), output: out)
        case .int64:
            compare(function, shape, input1: pointers[0].assumingMemoryBound(to: Int64.self), input2: pointers[1].assumingMemoryBound(to: Int64.self), output: out)
        }
    }
}

extension ComparisonOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        shape.outputCount
    }
}
