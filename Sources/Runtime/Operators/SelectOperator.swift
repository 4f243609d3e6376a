import Kernels
import TFLite

/// SELECT and SELECT_V2: a bool condition picks x or y per element, with broadcasting. Quantised x, y and output
/// must share scale and zero point (the values are copied).
final class SelectOperator: PreparedOperator {
    private let parameters: SelectParameters
    private let elementSize: Int
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let c = try ctx.input(0), x = try ctx.input(1), y = try ctx.input(2), out = try ctx.output(0)
        guard c.type == .bool else { throw ctx.invalid("condition must be bool, is \(c.type.name)") }
        guard x.type == y.type, out.type == x.type, [1, 2, 4, 8].contains(x.type.byteWidth) else {
            throw ctx.unsupported("selects \(x.type.name) and \(y.type.name) into \(out.type.name)")
        }
        if x.type == .int8 || x.type == .uint8 {
            let qx = try ctx.quantization(x), qy = try ctx.quantization(y), qo = try ctx.quantization(out)
            guard qx.scale == qo.scale, qy.scale == qo.scale, qx.zeroPoint == qo.zeroPoint, qy.zeroPoint == qo.zeroPoint else {
                throw ctx.unsupported("x, y and the output must share scale and zero point")
            }
        }
        if ctx.op.opcode == .select, c.shape != x.shape, !(c.shape.count == 1 && x.shape.first == c.shape[0]) {
            guard c.shape == x.shape || c.elementCount == 1 else { throw ctx.invalid("condition \(c.shape) does not match \(x.shape)") }
        }
        // SELECT's rank-1 condition picks whole rows of x and y: the same as broadcasting it as [n, 1, …].
        var conditionShape = c.shape
        if ctx.op.opcode == .select, c.shape.count == 1, x.shape.count > 1, c.shape[0] == x.shape[0] {
            conditionShape = c.shape + [Int](repeating: 1, count: x.shape.count - 1)
        }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in
            try SelectParameters(conditionShape: conditionShape, xShape: x.shape, yShape: y.shape)
        }
        try ctx.setOutputShape(0, parameters.outputShape)
        elementSize = x.type.byteWidth
        slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.inputIndex(2), try ctx.outputIndex(0)]
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
    }

    func eval(_ pool: WorkerPool?) {
        switch elementSize {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        default: run(UInt64.self)
        }
    }

    private func run<T>(_: T.Type) {
        select(parameters, condition: pointers[0].assumingMemoryBound(to: UInt8.self), x: pointers[1].assumingMemoryBound(to: T.self),
               y: pointers[2].assumingMemoryBound(to: T.self), output: pointers[3].assumingMemoryBound(to: T.self))
    }
}

extension SelectOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.outputCount
    }
}
