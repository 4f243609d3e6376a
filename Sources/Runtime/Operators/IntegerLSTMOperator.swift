#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Kernels
import TFLite

/// Integer (8x8→16) UNIDIRECTIONAL_SEQUENCE_LSTM: int8 input, weights and hidden state, int32 biases, an int16 cell
/// state with a power-of-two scale, and the five `intermediates` a full-integer quantised Keras LSTM carries (only
/// the fifth, the hidden state's scale and zero point, matters without layer normalisation; the gates are Q3.12).
/// Without CIFG, peephole, projection or layer normalisation (what Keras emits). The recurrent state starts from
/// its reset value at every invoke (Keras stateful=False), as `LSTMOperator` does; the state tensors are not read.
final class IntegerLSTMOperator: PreparedOperator {
    private let parameters: IntegerLSTMParameters
    private let weightSlots: [Int]
    private let inputSlot: Int
    private let outputSlot: Int
    /// Effective biases (input zero point and output-state zero point folded in), computed at prepare: 8 rows of
    /// `cells`, gate order input, forget, cell, output; input products then recurrent products.
    private let biases: UnsafeMutablePointer<Int32>
    private var weights: IntegerLSTMWeights?
    private var input: UnsafePointer<Int8>?
    private var output: UnsafeMutablePointer<Int8>?
    private var scratch: UnsafeMutableRawPointer?

    var scratchBytes: Int { parameters.scratchBytes }
    var macs: Int { parameters.batches * parameters.steps * 4 * parameters.cells * (parameters.inputSize + parameters.cells) }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let x = try ctx.input(0), out = try ctx.output(0)
        guard x.type == .int8, out.type == .int8 else {
            throw ctx.unsupported("an integer LSTM needs int8 input and output, has \(x.type.name) and \(out.type.name)")
        }
        guard ctx.inputCount == 20 || ctx.inputCount == 24 else {
            throw ctx.invalid("expects 20 or 24 inputs, has \(ctx.inputCount)")
        }
        guard ctx.optionalInput(1) != nil, ctx.optionalInput(5) != nil else {
            throw ctx.unsupported("CIFG integer LSTMs (no input gate) are not supported")
        }
        let operands = try LSTMOperands(ctx, weightType: .int8, biasType: .int32, kind: "integer LSTMs")
        let (batches, steps, inputSize, cells) = (operands.batches, operands.steps, operands.inputSize, operands.cells)

        // Intermediates: LiteRT requires exactly five and reads the hidden state's quantisation from the fifth.
        guard ctx.op.intermediates.count == 5 else {
            throw ctx.invalid("an integer LSTM carries 5 intermediate tensors, this one \(ctx.op.intermediates.count)")
        }
        let hiddenTensor = ctx.tensor(ctx.op.intermediates[4])
        let hidden = try ctx.quantization(hiddenTensor)

        // States: the output state (input 18, int8) and the cell state (input 19, int16, power-of-two scale).
        guard let outputState = ctx.optionalInput(18), let cellState = ctx.optionalInput(19) else {
            throw ctx.invalid("the output-state and cell-state inputs (18, 19) are missing")
        }
        guard outputState.type == .int8, cellState.type == .int16,
              outputState.elementCount == batches * cells, cellState.elementCount == batches * cells else {
            throw ctx.invalid("states must be int8 and int16 of \(batches * cells) elements, are \(outputState.type.name) \(outputState.shape) and \(cellState.type.name) \(cellState.shape)")
        }
        let stateQ = try ctx.quantization(outputState), cellQ = try ctx.quantization(cellState)
        let inputQ = try ctx.quantization(x)
        // CheckedLog2: the cell scale must be a power of two (within 1e-3 in log2, as LiteRT checks it).
        let log2Scale = logf(cellQ.scale) * (1 / logf(2))
        let cellScaleLog2 = Int(log2Scale.rounded(.toNearestOrAwayFromZero))
        guard abs(log2Scale - log2Scale.rounded(.toNearestOrAwayFromZero)) < 1e-3,
              IntegerLSTMParameters.supportedCellScales.contains(cellScaleLog2) else {
            throw ctx.unsupported("the cell state's scale \(cellQ.scale) is not a power of two in 2^-15…2^-9")
        }

        // Weights 1…8 (int8 constants, per-tensor scale) and biases 12…15 (int32 constants), checked by `LSTMOperands`.
        var weightScales: [Float] = []
        var weightData: [[Int8]] = []
        for i in 1...8 {
            let q = try ctx.quantization(try ctx.input(i))
            guard q.scales.count == 1 else { throw ctx.unsupported("weights \(i) are quantised per channel; the integer LSTM takes one scale") }
            weightScales.append(q.scale)
            weightData.append(try ctx.constantInput(i, as: Int8.self))
        }
        let biasData = try (12...15).map { (i) throws(RuntimeError) in try ctx.constantInput(i, as: Int32.self) }

        // Effective scales, in float as LiteRT computes them (gates in Q3.12, hidden o·tanh(c) from Q0.30).
        let gateScale: Float = 1.0 / 4096
        let inputMultipliers = (0..<4).map { g in QuantizedMultiplier(Double(weightScales[g] * inputQ.scale / gateScale)) }
        let recurrentMultipliers = (0..<4).map { g in QuantizedMultiplier(Double(weightScales[4 + g] * stateQ.scale / gateScale)) }
        let twoToMinus15 = 1.0 / 32768.0
        let hiddenScale = Float(twoToMinus15 / Double(hidden.scale) * twoToMinus15)
        let clip = try operands.cellClip(ctx)
        let quantizedClip = clip > 0 ? Int16(Swift.min(Swift.max(clip / cellQ.scale, -32768), 32767)) : 0

        parameters = IntegerLSTMParameters(
            batches: batches, steps: steps, inputSize: inputSize, cells: cells, timeMajor: operands.timeMajor,
            inputMultipliers: inputMultipliers, recurrentMultipliers: recurrentMultipliers,
            hiddenMultiplier: QuantizedMultiplier(Double(hiddenScale)), hiddenZeroPoint: hidden.zeroPoint,
            outputStateZeroPoint: stateQ.zeroPoint, cellScaleLog2: cellScaleLog2, cellClip: quantizedClip)
        try ctx.setOutputShape(0, operands.outputShape)

        let effective = (0..<4).map { g in
            IntegerLSTMParameters.effectiveBias(weights: weightData[g], rows: cells, columns: inputSize, bias: biasData[g],
                                                zeroPoint: inputQ.zeroPoint)
        } + (0..<4).map { g in
            IntegerLSTMParameters.effectiveBias(weights: weightData[4 + g], rows: cells, columns: cells, bias: [],
                                                zeroPoint: stateQ.zeroPoint)
        }
        biases = UnsafeMutablePointer<Int32>.allocate(capacity: 8 * cells)
        for (g, row) in effective.enumerated() { (biases + g * cells).initialize(from: row, count: cells) }
        weightSlots = try (1...8).map { (i) throws(RuntimeError) in try ctx.inputIndex(i) }
        inputSlot = try ctx.inputIndex(0)
        outputSlot = try ctx.outputIndex(0)
    }

    deinit {
        biases.deallocate()
    }

    func bind(_ memory: TensorMemory) {
        let p = weightSlots.map { UnsafePointer(memory.address($0).assumingMemoryBound(to: Int8.self)) }
        let n = parameters.cells
        weights = IntegerLSTMWeights(inputWeights: Array(p[0..<4]), recurrentWeights: Array(p[4..<8]),
                                     inputBiases: (0..<4).map { UnsafePointer(biases + $0 * n) },
                                     recurrentBiases: (4..<8).map { UnsafePointer(biases + $0 * n) })
        input = UnsafePointer(memory.address(inputSlot).assumingMemoryBound(to: Int8.self))
        output = memory.address(outputSlot).assumingMemoryBound(to: Int8.self)
        scratch = memory.scratch!
    }

    func eval(_ pool: WorkerPool?) {
        integerLSTM(parameters, weights!, input: input!, scratch: scratch!, output: output!)
    }
}
