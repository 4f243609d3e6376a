import Kernels
import TFLite

/// PACK: N inputs of one shape stacked along a new axis (any fixed-size element type; the bytes are copied).
final class PackOperator: PreparedOperator {
    private let outer: Int
    private let inner: Int
    private let elementSize: Int
    private let inputIndices: [Int]
    private let outputIndex: Int
    private var inputs: [UnsafeRawPointer] = []
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard ctx.inputCount >= 1 else { throw ctx.invalid("needs at least one input") }
        let first = try ctx.input(0), out = try ctx.output(0)
        for i in 0..<ctx.inputCount {
            let t = try ctx.input(i)
            guard t.type == first.type, t.shape == first.shape else {
                throw ctx.invalid("input \(i) is \(t.type.name) \(t.shape), input 0 is \(first.type.name) \(first.shape)")
            }
        }
        guard out.type == first.type, [1, 2, 4, 8].contains(first.type.byteWidth) else {
            throw ctx.unsupported("packs \(first.type.name) into \(out.type.name)")
        }
        var axisValue = 0
        if case .scalars(let o) = ctx.op.options { axisValue = o.int(1) }
        let a = try CopyPlanOperator.axis(ctx, axisValue, rank: first.shape.count, extra: 1)
        outer = first.shape[..<a].reduce(1, *)
        inner = first.shape[a...].reduce(1, *)
        var shape = first.shape
        shape.insert(ctx.inputCount, at: a)
        try ctx.setOutputShape(0, shape)
        elementSize = first.type.byteWidth
        inputIndices = try (0..<ctx.inputCount).map { (i) throws(RuntimeError) in try ctx.inputIndex(i) }
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        inputs = inputIndices.map { UnsafeRawPointer(memory.address($0)) }
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        inputs.withUnsafeBufferPointer { pack(inputs: $0, output: output!, outer: outer, inner: inner, elementSize: elementSize) }
    }
}

extension PackOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        outer * inner * inputIndices.count
    }
}
