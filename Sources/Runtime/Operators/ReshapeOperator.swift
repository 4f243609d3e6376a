import TFLite

/// RESHAPE and SQUEEZE: the bytes are unchanged, only the shape differs, so eval is a copy (none when in place).
final class ReshapeOperator: PreparedOperator {
    private let byteCount: Int
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        guard inputTensor.type == outputTensor.type else {
            throw ctx.invalid("input is \(inputTensor.type.name) but output is \(outputTensor.type.name)")
        }
        let shape = try Self.inferShape(ctx, input: inputTensor, declared: outputTensor.shape)
        guard shape.reduce(1, *) == inputTensor.elementCount else {
            throw ctx.invalid("cannot reshape \(inputTensor.shape) into \(shape)")
        }
        try ctx.setOutputShape(0, shape)
        if let q = inputTensor.quantization, let r = outputTensor.quantization, q.scales != r.scales || q.zeroPoints != r.zeroPoints {
            throw ctx.invalid("input and output quantisation differ")
        }
        byteCount = inputTensor.byteCount
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    /// The output shape: SQUEEZE drops unit dimensions; RESHAPE takes its shape input, else its options,
    /// else the declared shape, resolving one −1 from the element count as TFLite does.
    private static func inferShape(_ ctx: OperatorContext, input: Tensor, declared: [Int]) throws(RuntimeError) -> [Int] {
        if ctx.op.opcode == .squeeze {
            var dims: [Int] = []
            if case .squeeze(let o) = ctx.op.options { dims = o.squeezeDims.map { $0 < 0 ? $0 + input.shape.count : $0 } }
            return input.shape.enumerated().filter { d, extent in
                extent != 1 || !(dims.isEmpty || dims.contains(d))
            }.map(\.element)
        }
        var requested: [Int]?
        if let shapeTensor = ctx.optionalInput(1), ctx.isConstant(shapeTensor), shapeTensor.type == .int32 {
            requested = try ctx.constantInput(1, as: Int32.self).map(Int.init)
        } else if case .reshape(let o) = ctx.op.options, let newShape = o.newShape, !newShape.isEmpty {
            requested = newShape
        }
        guard var shape = requested else { return declared }
        let unknown = shape.indices.filter { shape[$0] == -1 }
        guard unknown.count <= 1 else { throw ctx.invalid("new shape \(shape) has more than one -1") }
        if let u = unknown.first {
            let known = shape.enumerated().filter { $0.offset != u }.map(\.element).reduce(1, *)
            guard known > 0, input.elementCount % known == 0 else {
                throw ctx.invalid("cannot reshape \(input.shape) into \(shape)")
            }
            shape[u] = input.elementCount / known
        }
        return shape
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        if input != output { output!.copyMemory(from: input!, byteCount: byteCount) }
    }
}
