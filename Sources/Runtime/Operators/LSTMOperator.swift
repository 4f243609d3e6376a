import Kernels
import TFLite

/// UNIDIRECTIONAL_SEQUENCE_LSTM: the integer kernel for int8 inputs, the float one otherwise.
func floatOrIntegerLSTM(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
    if try ctx.input(0).type == .int8 { return try IntegerLSTMOperator(ctx) }
    return try LSTMOperator(ctx)
}

/// Float32 UNIDIRECTIONAL_SEQUENCE_LSTM without CIFG, peephole, projection or layer normalisation (what a Keras
/// LSTM converts to). The recurrent state starts from zero at every invoke — Keras' stateful=False — instead of
/// persisting in the variable tensors between invokes as LiteRT's does; the state tensors are not read.
/// The integer form (int8 activations, int16 cell) is `IntegerLSTMOperator`; `floatOrIntegerLSTM` picks one.
final class LSTMOperator: PreparedOperator {
    private let parameters: FloatLSTMParameters
    private let weightSlots: [Int]
    private let inputSlot: Int
    private let outputSlot: Int
    private var weights: FloatLSTMWeights?
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?
    private var scratch: UnsafeMutablePointer<Float>?

    var scratchBytes: Int { parameters.scratchCount * MemoryLayout<Float>.size }
    var macs: Int { parameters.batches * parameters.steps * 4 * parameters.cells * (parameters.inputSize + parameters.cells) }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let x = try ctx.input(0), out = try ctx.output(0)
        guard x.type == .float32, out.type == .float32 else {
            throw ctx.unsupported("\(x.type.name) LSTM is not supported (float32, or int8 through IntegerLSTMOperator)")
        }
        guard ctx.inputCount >= 20 else { throw ctx.invalid("expects at least 20 inputs, has \(ctx.inputCount)") }
        // Inputs 1 (input-to-input weights) … 8, 12 … 15 are required here: CIFG, peephole (9–11), projection (16, 17)
        // and layer norm (20–23) are not implemented.
        let operands = try LSTMOperands(ctx, weightType: .float32, biasType: .float32, kind: "LSTMs")
        let o = operands.options
        let activation: FloatLSTMParameters.Activation
        switch ActivationFunction(rawValue: o.int8(0)) ?? .none {
        case .none: activation = .none
        case .relu: activation = .relu
        case .relu6: activation = .relu6
        case .tanh: activation = .tanh
        case .signBit, .reluN1To1: throw ctx.unsupported("cell activation \(o.int8(0)) is not supported")
        }
        parameters = FloatLSTMParameters(batches: operands.batches, steps: operands.steps, inputSize: operands.inputSize,
                                         cells: operands.cells, timeMajor: operands.timeMajor, cellClip: try operands.cellClip(ctx),
                                         activation: activation)
        // All batches at once keep every batch's gates in scratch: bounded before anything multiplies it out (a
        // sequence of zero steps bounds batches × cells by no tensor).
        // (The GEMM's packed columns add 16 bytes per input or cell, which the constant weights already bound.)
        let (perBatch, overflow) = operands.cells.multipliedReportingOverflow(by: 8 * MemoryLayout<Float>.size)
        let (scratch, overflow2) = perBatch.multipliedReportingOverflow(by: operands.batches)
        let atOnce = operands.timeMajor && operands.batches > 1
        guard !atOnce || (!overflow && !overflow2 && scratch <= Interpreter.maximumArenaBytes) else {
            throw ctx.invalid("\(operands.batches) batches of \(operands.cells) cells need more scratch than the arena may hold")
        }
        try ctx.setOutputShape(0, operands.outputShape)
        weightSlots = try ([1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15] as [Int]).map { (i) throws(RuntimeError) in try ctx.inputIndex(i) }
        inputSlot = try ctx.inputIndex(0)
        outputSlot = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        let p = weightSlots.map { UnsafePointer(memory.address($0).assumingMemoryBound(to: Float.self)) }
        weights = FloatLSTMWeights(inputWeights: (p[0], p[1], p[2], p[3]), recurrentWeights: (p[4], p[5], p[6], p[7]),
                                   biases: (p[8], p[9], p[10], p[11]))
        input = memory.address(inputSlot)
        output = memory.address(outputSlot)
        scratch = memory.scratch!.bindMemory(to: Float.self, capacity: parameters.scratchCount)
    }

    func eval(_ pool: WorkerPool?) {
        floatLSTM(parameters, weights!, input: input!.assumingMemoryBound(to: Float.self), scratch: scratch!,
                  output: output!.assumingMemoryBound(to: Float.self))
    }
}
