import Kernels
import TFLite

/// What both SVDF forms check before their types: the five inputs (input, weights_feature, weights_time, optional
/// bias, activation state), the options, and shapes that agree with each other as LiteRT's Prepare requires them.
struct SVDFOperands {
    let geometry: SVDFGeometry
    let activation: ActivationFunction
    let input: Tensor
    let weightsFeature: Tensor
    let weightsTime: Tensor
    let bias: Tensor?
    let state: Tensor
    let output: Tensor
    let slots: (input: Int, weightsFeature: Int, weightsTime: Int, bias: Int?, output: Int)

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard ctx.inputCount == 5, ctx.op.outputs.count == 1 else {
            throw ctx.invalid("expects 5 inputs (input, weights_feature, weights_time, bias, activation_state) and 1 output, has \(ctx.inputCount) and \(ctx.op.outputs.count)")
        }
        var o = ScalarOptions()
        if case .scalars(let s) = ctx.op.options { o = s }
        let rank = o.int(0)
        guard let activation = ActivationFunction(rawValue: o.int8(1)) else {
            throw ctx.invalid("unknown fused activation \(o.int8(1))")
        }
        let x = try ctx.input(0), wf = try ctx.input(1), wt = try ctx.input(2)
        guard x.shape.count == 2, x.shape[0] > 0, x.shape[1] > 0 else {
            throw ctx.invalid("input must be 2-D [batches, input size], is \(x.shape)")
        }
        guard wf.shape.count == 2, wf.shape[0] > 0, wf.shape[1] == x.shape[1] else {
            throw ctx.invalid("weights_feature \(wf.shape) must be [filters, \(x.shape[1])] for input \(x.shape)")
        }
        let filters = wf.shape[0]
        guard rank > 0, filters % rank == 0 else {
            throw ctx.invalid("rank \(rank) must be positive and divide the \(filters) filters")
        }
        guard wt.shape.count == 2, wt.shape[0] == filters, wt.shape[1] > 0 else {
            throw ctx.invalid("weights_time \(wt.shape) must be [\(filters), memory]")
        }
        let g = SVDFGeometry(batches: x.shape[0], inputSize: x.shape[1], filters: filters, rank: rank, memory: wt.shape[1])
        let b = ctx.optionalInput(3)
        if let b, b.shape != [g.units] {
            throw ctx.invalid("bias \(b.shape) must be [\(g.units)] (one per unit)")
        }
        guard let state = ctx.optionalInput(4) else {
            throw ctx.invalid("the activation state (input 4) is missing")
        }
        guard state.isVariable else {
            throw ctx.invalid("the activation state \(state.name) (input 4) must be a variable tensor")
        }
        // The state's size bounds the scratch the operator asks for: checked before anything multiplies it out.
        let (history, overflow) = filters.multipliedReportingOverflow(by: g.memory)
        guard !overflow, state.shape == [g.batches, history] else {
            throw ctx.invalid("the activation state \(state.shape) must be [\(g.batches), \(g.memory) × \(filters)]")
        }
        let (count, overflow2) = g.batches.multipliedReportingOverflow(by: history)
        guard !overflow2, count <= Interpreter.maximumArenaBytes / 4 else {
            throw ctx.invalid("an activation state of \(g.batches) × \(history) elements is larger than the arena may be")
        }
        // A constant output would be written in the constants region, sized by its data rather than [batches, units].
        guard !ctx.isConstant(try ctx.output(0)) else { throw ctx.invalid("the output is a constant tensor") }
        try ctx.setOutputShape(0, [g.batches, g.units])
        geometry = g
        self.activation = activation
        input = x
        weightsFeature = wf
        weightsTime = wt
        bias = b
        self.state = state
        output = try ctx.output(0)
        slots = (try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.inputIndex(2), b == nil ? nil : try ctx.inputIndex(3),
                 try ctx.outputIndex(0))
    }
}

extension SVDFOperands {
    /// The fused activation as the float and hybrid kernels take it (every activation of the schema).
    var floatActivation: FloatSVDFParameters.Activation {
        switch activation {
        case .none: .none
        case .relu: .relu
        case .reluN1To1: .reluN1To1
        case .relu6: .relu6
        case .tanh: .tanh
        case .signBit: .signBit
        }
    }
}
