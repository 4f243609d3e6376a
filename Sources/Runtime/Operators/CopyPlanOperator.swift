import Kernels
import TFLite

/// Operators that only move elements (STRIDED_SLICE, SLICE, TRANSPOSE, EXPAND_DIMS, TILE, BROADCAST_TO,
/// DEPTH_TO_SPACE, SPACE_TO_DEPTH, UNPACK, SPLIT, SPLIT_V, REVERSE_V2, GATHER with constant indices): prepare turns each
/// output into strided views of an input (`StridedCopy`), eval copies them. Any element type of fixed size.
///
/// The per-op planning lives in `CopyPlanOperator+<Op>.swift`; each validates its constant inputs and shapes and
/// throws a `RuntimeError` naming the operator for anything hostile or unsupported.
final class CopyPlanOperator: PreparedOperator {
    /// One view copied from input tensor `input` into output tensor `output`.
    struct Step {
        var input: Int
        var output: Int
        var copy: StridedCopy
    }

    private let steps: [Step]
    private let elementSize: Int
    private let opInputs: [Int]
    private let opOutputs: [Int]
    private var inputs: [UnsafeMutableRawPointer] = []
    private var outputs: [UnsafeMutableRawPointer] = []

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let source = try ctx.input(ctx.op.opcode == .split ? 1 : 0)
        for i in 0..<ctx.op.outputs.count {
            let out = try ctx.output(i)
            guard out.type == source.type else {
                throw ctx.invalid("input is \(source.type.name) but output \(i) is \(out.type.name)")
            }
        }
        guard [1, 2, 4, 8].contains(source.type.byteWidth) else {
            throw ctx.unsupported("\(source.type.name) tensors are not supported")
        }
        elementSize = source.type.byteWidth
        switch ctx.op.opcode {
        case .stridedSlice: steps = try Self.planStridedSlice(ctx)
        case .slice: steps = try Self.planSlice(ctx)
        case .transpose: steps = try Self.planTranspose(ctx)
        case .expandDims: steps = try Self.planExpandDims(ctx)
        case .tile: steps = try Self.planTile(ctx)
        case .broadcastTo: steps = try Self.planBroadcastTo(ctx)
        case .depthToSpace, .spaceToDepth: steps = try Self.planDepthSpace(ctx)
        case .unpack: steps = try Self.planUnpack(ctx)
        case .split, .splitV: steps = try Self.planSplit(ctx)
        case .reverseV2: steps = try Self.planReverse(ctx)
        default: throw ctx.unsupported("not a data movement operator")
        }
        opInputs = ctx.op.inputs
        opOutputs = ctx.op.outputs
    }

    /// A view over input slot `input` (operator input position) writing output slot `output`, validated.
    static func step(_ ctx: OperatorContext, input: Int = 0, output: Int = 0, dims: [Int], strides: [Int],
                     start: Int) throws(RuntimeError) -> Step {
        let inputTensor = try ctx.input(input)
        var outputCount = 1
        for d in dims { outputCount = outputCount.multipliedReportingOverflow(by: Swift.max(d, 0)).partialValue }
        let copy = try ctx.prepare { () throws(KernelPreparationError) in
            try StridedCopy(outputDims: dims, inputStrides: strides, inputStart: start,
                            inputCount: inputTensor.elementCount, outputCount: outputCount)
        }
        return Step(input: input, output: output, copy: copy)
    }

    /// Constant integer input `i` (int32 or int64) as Ints.
    static func integers(_ ctx: OperatorContext, _ i: Int) throws(RuntimeError) -> [Int] {
        let t = try ctx.input(i)
        switch t.type {
        case .int32: return try ctx.constantInput(i, as: Int32.self).map(Int.init)
        case .int64: return try ctx.constantInput(i, as: Int64.self).map { Int(truncatingIfNeeded: $0) }
        default: throw ctx.unsupported("input \(i) must be a constant int32 or int64 tensor, is \(t.type.name)")
        }
    }

    /// Resolves a possibly negative axis against `rank` (`extra` extends the valid range, e.g. 1 for PACK).
    static func axis(_ ctx: OperatorContext, _ axis: Int, rank: Int, extra: Int = 0) throws(RuntimeError) -> Int {
        let a = axis < 0 ? axis + rank + extra : axis
        guard a >= 0, a < rank + extra else { throw ctx.invalid("axis \(axis) is out of range for rank \(rank)") }
        return a
    }

    func bind(_ memory: TensorMemory) {
        // Arrays sized here, once, so that eval does not allocate.
        inputs = steps.map { memory.address(opInputs[$0.input]) }
        outputs = steps.map { memory.address(opOutputs[$0.output]) }
    }

    func eval(_ pool: WorkerPool?) {
        for (k, s) in steps.enumerated() {
            stridedCopy(s.copy, input: inputs[k], output: outputs[k], elementSize: elementSize)
        }
    }
}

extension CopyPlanOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        steps.reduce(0) { $0 + $1.copy.count }
    }
}
