import TFLite

/// What both UNIDIRECTIONAL_SEQUENCE_LSTM kernels read alike from the operand list: the options, the sequence's
/// geometry, and the checks on weights 1…8 and biases 12…15 (present, constant, of the kernel's types, shaped for
/// `cells` and `inputSize`). Peephole (9–11), projection (16, 17) and layer-normalisation (20–23) inputs are refused:
/// a Keras LSTM converts without them, and neither kernel implements them.
struct LSTMOperands {
    let options: ScalarOptions
    let timeMajor: Bool
    let batches: Int
    let steps: Int
    let inputSize: Int
    let cells: Int

    /// Reads and checks the operands; `kind` names the LSTM in messages ("LSTMs", "integer LSTMs").
    init(_ ctx: OperatorContext, weightType: TensorType, biasType: TensorType, kind: String) throws(RuntimeError) {
        for i in [9, 10, 11, 16, 17] + Array(20..<ctx.inputCount) where ctx.optionalInput(i) != nil {
            throw ctx.unsupported("peephole, projection and layer-normalised \(kind) are not supported (input \(i) is present)")
        }
        let x = try ctx.input(0)
        guard x.shape.count == 3 else { throw ctx.invalid("input must be 3-D, is \(x.shape)") }
        var o = ScalarOptions()
        if case .scalars(let s) = ctx.op.options { o = s }
        options = o
        timeMajor = o.bool(3)
        batches = timeMajor ? x.shape[1] : x.shape[0]
        steps = timeMajor ? x.shape[0] : x.shape[1]
        inputSize = x.shape[2]
        let w = try ctx.input(1)
        guard w.shape.count == 2, w.shape[1] == inputSize, w.shape[0] > 0, inputSize > 0 else {
            throw ctx.invalid("input weights \(w.shape) do not fit input \(x.shape)")
        }
        cells = w.shape[0]
        for i in 1...8 {
            let t = try ctx.input(i)
            let expected = [cells, i <= 4 ? inputSize : cells]
            guard t.type == weightType, t.shape == expected, ctx.isConstant(t) else {
                throw ctx.unsupported("weights \(i) must be constant \(weightType.name) \(expected), are \(t.type.name) \(t.shape)")
            }
        }
        for i in 12...15 {
            let t = try ctx.input(i)
            guard t.type == biasType, t.elementCount == cells, ctx.isConstant(t) else {
                throw ctx.unsupported("bias \(i) must be constant \(biasType.name) [\(cells)], is \(t.type.name) \(t.shape)")
            }
        }
    }

    /// The output's shape: the input's, with `cells` features.
    var outputShape: [Int] { timeMajor ? [steps, batches, cells] : [batches, steps, cells] }

    /// The cell clip (option 1); a negative clip or any projection clip (option 2) is refused.
    func cellClip(_ ctx: OperatorContext) throws(RuntimeError) -> Float {
        let clip = options.float(1)
        guard clip >= 0, options.float(2) == 0 else { throw ctx.unsupported("negative cell clip or projection clip is not supported") }
        return clip
    }
}
