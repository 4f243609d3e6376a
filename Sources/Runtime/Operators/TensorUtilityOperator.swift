import Kernels
import TFLite

/// LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT (bool), ADD_N (float32), ZEROS_LIKE, FILL (constant dims) and SHAPE.
final class TensorUtilityOperator: PreparedOperator {
    private enum Kernel {
        case logical(LogicalFunction, BroadcastShape)
        case not(count: Int)
        case addN(count: Int)
        case zeros(bytes: Int)
        case fill(elementSize: Int, count: Int)
        case shape([Int32])
    }

    private let kernel: Kernel
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []
    private var inputs: [UnsafeRawPointer] = []

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let out = try ctx.output(0)
        switch ctx.op.opcode {
        case .logicalAnd, .logicalOr:
            let a = try ctx.input(0), b = try ctx.input(1)
            guard a.type == .bool, b.type == .bool, out.type == .bool else { throw ctx.unsupported("logical operators take bool tensors") }
            let shape = try ctx.prepare { () throws(KernelPreparationError) in try BroadcastShape(input1Shape: a.shape, input2Shape: b.shape) }
            try ctx.setOutputShape(0, shape.outputShape)
            kernel = .logical(ctx.op.opcode == .logicalAnd ? .and : .or, shape)
            slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0)]
        case .logicalNot:
            let a = try ctx.input(0)
            guard a.type == .bool, out.type == .bool else { throw ctx.unsupported("LOGICAL_NOT takes a bool tensor") }
            try ctx.setOutputShape(0, a.shape)
            kernel = .not(count: a.elementCount)
            slots = [try ctx.inputIndex(0), try ctx.outputIndex(0)]
        case .addN:
            let first = try ctx.input(0)
            guard first.type == .float32, out.type == .float32 else { throw ctx.unsupported("ADD_N supports float32 only") }
            for i in 0..<ctx.inputCount {
                let t = try ctx.input(i)
                guard t.type == .float32, t.shape == first.shape else { throw ctx.invalid("input \(i) is \(t.type.name) \(t.shape), input 0 \(first.shape)") }
            }
            try ctx.setOutputShape(0, first.shape)
            kernel = .addN(count: first.elementCount)
            slots = try (0..<ctx.inputCount).map { (i) throws(RuntimeError) in try ctx.inputIndex(i) } + [try ctx.outputIndex(0)]
        case .zerosLike:
            let a = try ctx.input(0)
            guard a.type == out.type, a.type.byteWidth > 0 else { throw ctx.unsupported("\(a.type.name) is not supported") }
            try ctx.setOutputShape(0, a.shape)
            kernel = .zeros(bytes: a.byteCount)
            slots = [try ctx.outputIndex(0)]
        case .fill:
            let dims = try CopyPlanOperator.integers(ctx, 0)
            let value = try ctx.input(1)
            guard value.elementCount == 1, value.type == out.type, [1, 2, 4, 8].contains(value.type.byteWidth) else {
                throw ctx.invalid("FILL needs a scalar value of the output's type")
            }
            guard dims.allSatisfy({ $0 >= 0 }) else { throw ctx.invalid("dims \(dims) must be non-negative") }
            try ctx.setOutputShape(0, dims)
            kernel = .fill(elementSize: value.type.byteWidth, count: dims.reduce(1, *))
            slots = [try ctx.inputIndex(1), try ctx.outputIndex(0)]
        default:
            let a = try ctx.input(0)
            guard out.type == .int32 else { throw ctx.unsupported("SHAPE output must be int32, is \(out.type.name)") }
            try ctx.setOutputShape(0, [a.shape.count])
            kernel = .shape(a.shape.map { Int32(truncatingIfNeeded: $0) })
            slots = [try ctx.outputIndex(0)]
        }
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
        if case .addN = kernel { inputs = pointers.dropLast().map { UnsafeRawPointer($0) } }
    }

    func eval(_ pool: WorkerPool?) {
        switch kernel {
        case .logical(let f, let shape):
            logical(f, shape, input1: pointers[0].assumingMemoryBound(to: UInt8.self), input2: pointers[1].assumingMemoryBound(to: UInt8.self),
                    output: pointers[2].assumingMemoryBound(to: UInt8.self))
        case .not(let count):
            logicalNot(input: pointers[0].assumingMemoryBound(to: UInt8.self), output: pointers[1].assumingMemoryBound(to: UInt8.self), count: count)
        case .addN(let count):
            inputs.withUnsafeBufferPointer { addN(inputs: $0, output: pointers[pointers.count - 1].assumingMemoryBound(to: Float.self), count: count) }
        case .zeros(let bytes):
            pointers[0].initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        case .fill(let size, let count):
            fill(value: pointers[0], elementSize: size, output: pointers[1], count: count)
        case .shape(let dims):
            let o = pointers[0].assumingMemoryBound(to: Int32.self)
            for (i, d) in dims.enumerated() { o[i] = d }
        }
    }
}

extension TensorUtilityOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        switch kernel {
        case .logical(_, let s): s.outputCount
        case .not(let count), .addN(let count): count
        case .zeros(let bytes): bytes
        case .fill(_, let count): count
        case .shape(let dims): dims.count
        }
    }
}
