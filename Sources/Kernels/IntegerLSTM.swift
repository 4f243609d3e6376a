// Integer UNIDIRECTIONAL_SEQUENCE_LSTM, 8x8→16 (int8 input, weights and hidden state; int16 gates and cell
// state), as LiteRT's reference runs it: unidirectional_sequence_lstm.cc Prepare (PopulateQuantizedLstmParams8x8_16,
// PopulatePrecomputedZPTimesWeightsWithBias) and lstm_eval.cc EvalInteger8x8_16 / LstmStepInteger8x8_16 with the
// portable tensor_utils kernels. Per step and gate: the int16 gate starts at 0; the input product
// (bias + Σ x·w, the input zero point folded into the bias) is rescaled to Q3.12, added and clamped to int16; the
// recurrent product likewise; then gemmlowp's fixed-point sigmoid (Q3.12 → Q0.15), or tanh for the cell gate.
// c = RDP(f·c, 15) + RDP(i·g, 30 + cellScale), clamped to int16 and to the quantised cell clip;
// h = rescale(o · tanh(c)) + hidden zero point, clamped to int8. CIFG, peephole, projection and layer norm are not
// implemented (the operator refuses them).

/// Geometry and precomputed fixed-point parameters of an integer LSTM (computed once, at prepare).
public struct IntegerLSTMParameters: Sendable, Equatable {
    public var batches: Int
    public var steps: Int
    public var inputSize: Int
    public var cells: Int
    public var timeMajor: Bool
    /// Input-to-gate and recurrent-to-gate multipliers, gate order input, forget, cell, output (to Q3.12).
    public var inputMultipliers: [QuantizedMultiplier]
    public var recurrentMultipliers: [QuantizedMultiplier]
    /// o·tanh(c) (Q0.15 × Q0.15) to the hidden state's scale.
    public var hiddenMultiplier: QuantizedMultiplier
    public var hiddenZeroPoint: Int32
    /// The zero point of the output (recurrent) state: the value the hidden state starts from.
    public var outputStateZeroPoint: Int32
    /// log2 of the cell state's scale (−14 for Keras' 2^-14).
    public var cellScaleLog2: Int
    /// The cell clip in cell-state units; 0 means no clipping.
    public var cellClip: Int16

    public init(batches: Int, steps: Int, inputSize: Int, cells: Int, timeMajor: Bool,
                inputMultipliers: [QuantizedMultiplier], recurrentMultipliers: [QuantizedMultiplier],
                hiddenMultiplier: QuantizedMultiplier, hiddenZeroPoint: Int32, outputStateZeroPoint: Int32,
                cellScaleLog2: Int, cellClip: Int16) {
        self.batches = batches
        self.steps = steps
        self.inputSize = inputSize
        self.cells = cells
        self.timeMajor = timeMajor
        self.inputMultipliers = inputMultipliers
        self.recurrentMultipliers = recurrentMultipliers
        self.hiddenMultiplier = hiddenMultiplier
        self.hiddenZeroPoint = hiddenZeroPoint
        self.outputStateZeroPoint = outputStateZeroPoint
        self.cellScaleLog2 = cellScaleLog2
        self.cellClip = cellClip
    }

    /// The cell-state log2 scales the reference kernels support: tanh(c) needs 0…6 integer bits (15 + log2).
    public static let supportedCellScales = -15 ... -9

    /// Bytes of scratch `integerLSTM` needs: four int16 gates, the int16 cell state and one int8 hidden row.
    public var scratchBytes: Int { cells * (5 * MemoryLayout<Int16>.size + MemoryLayout<Int8>.size) }

    /// The per-row effective biases LiteRT precomputes: `bias[r] − zeroPoint · Σ_k w[r, k]` (wrapping, as its int32
    /// arithmetic does). `weights` is [rows, columns] row-major; `bias` may be empty (the recurrent products).
    public static func effectiveBias(weights: [Int8], rows: Int, columns: Int, bias: [Int32], zeroPoint: Int32) -> [Int32] {
        (0..<rows).map { r in
            var result = bias.isEmpty ? 0 : bias[r]
            if zeroPoint != 0 {
                var rowSum: Int32 = 0
                for k in 0..<columns { rowSum &+= Int32(weights[r * columns + k]) }
                result &+= rowSum &* -zeroPoint
            }
            return result
        }
    }
}

/// Constant data of an integer LSTM, gate order input, forget, cell, output.
///
/// The pointers are borrowed: they must stay valid (the interpreter's constants region, or buffers the operator
/// owns) for as long as `integerLSTM` is called with them.
public struct IntegerLSTMWeights {
    /// [cells, inputSize] int8 each.
    public var inputWeights: [UnsafePointer<Int8>]
    /// [cells, cells] int8 each.
    public var recurrentWeights: [UnsafePointer<Int8>]
    /// [cells] each: the gate bias with the input zero point folded in.
    public var inputBiases: [UnsafePointer<Int32>]
    /// [cells] each: the output-state zero point folded into the recurrent weights' row sums.
    public var recurrentBiases: [UnsafePointer<Int32>]

    public init(inputWeights: [UnsafePointer<Int8>], recurrentWeights: [UnsafePointer<Int8>],
                inputBiases: [UnsafePointer<Int32>], recurrentBiases: [UnsafePointer<Int32>]) {
        self.inputWeights = inputWeights
        self.recurrentWeights = recurrentWeights
        self.inputBiases = inputBiases
        self.recurrentBiases = recurrentBiases
    }
}

/// One product of MatrixBatchVectorMultiplyAccumulate (int8 × int8 → int16, accumulating into `gate`):
/// rescale (bias + Σ x·w), add the gate's value, saturate to int16.
@inlinable @inline(__always)
func integerLSTMAccumulate(_ gate: UnsafeMutablePointer<Int16>, _ x: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>,
                           _ bias: UnsafePointer<Int32>, _ multiplier: QuantizedMultiplier, rows: Int, columns: Int) {
    for r in 0..<rows {
        var acc = bias[r]
        let row = w + r * columns
        for k in 0..<columns { acc &+= Int32(x[k]) &* Int32(row[k]) }
        let sum = multiplier.apply(acc) &+ Int32(gate[r])
        gate[r] = Int16(Swift.min(32767, Swift.max(-32768, sum)))
    }
}

/// Runs the sequence from the reset state (hidden state at its zero point, cell state 0) for every batch.
///
/// `input` is [batch, time, inputSize] (or [time, batch, inputSize] when time-major); `output` receives the
/// hidden state of every step in the same layout with `cells` columns. `scratch` holds `scratchBytes` bytes,
/// 2-byte aligned. Allocates nothing.
@inlinable
public func integerLSTM(_ p: IntegerLSTMParameters, _ w: IntegerLSTMWeights, input: UnsafePointer<Int8>,
                        scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<Int8>) {
    let n = p.cells
    let gates = scratch.bindMemory(to: Int16.self, capacity: 5 * n)
    let cell = gates + 4 * n
    let hidden = (scratch + 5 * n * MemoryLayout<Int16>.size).bindMemory(to: Int8.self, capacity: n)
    let tanhBits = 15 + p.cellScaleLog2
    let cellShift = Int32(30 + p.cellScaleLog2)
    let zeroPoint = Int8(truncatingIfNeeded: p.outputStateZeroPoint)
    // Batches are independent: run each through the whole sequence, as LiteRT does when not time-major.
    for b in 0..<p.batches {
        hidden.update(repeating: zeroPoint, count: n)
        cell.update(repeating: 0, count: n)
        for t in 0..<p.steps {
            let row = p.timeMajor ? t * p.batches + b : b * p.steps + t
            let x = input + row * p.inputSize
            for g in 0..<4 {
                let gate = gates + g * n
                gate.update(repeating: 0, count: n)
                integerLSTMAccumulate(gate, x, w.inputWeights[g], w.inputBiases[g], p.inputMultipliers[g],
                                      rows: n, columns: p.inputSize)
                integerLSTMAccumulate(gate, hidden, w.recurrentWeights[g], w.recurrentBiases[g], p.recurrentMultipliers[g],
                                      rows: n, columns: n)
                if g == 2 {
                    for i in 0..<n { gate[i] = GemmlowpInt16.tanh(gate[i], integerBits: 3) }
                } else {
                    for i in 0..<n { gate[i] = GemmlowpInt16.logistic(gate[i], integerBits: 3) }
                }
            }
            let inputGate = gates, forgetGate = gates + n, cellGate = gates + 2 * n, outputGate = gates + 3 * n
            for i in 0..<n {
                // CwiseMul (shift 15), CwiseMul (shift 30 + cellScale), CwiseAdd (saturating), CwiseClipping.
                let kept = Int16(truncatingIfNeeded: roundingDivideByPOT(Int32(forgetGate[i]) * Int32(cell[i]), 15))
                let added = Int16(truncatingIfNeeded: roundingDivideByPOT(Int32(inputGate[i]) * Int32(cellGate[i]), cellShift))
                var c = Int16(Swift.min(32767, Swift.max(-32768, Int32(kept) + Int32(added))))
                if p.cellClip > 0 { c = Swift.max(Swift.min(p.cellClip, c), -p.cellClip) }
                cell[i] = c
            }
            let out = output + row * n
            for i in 0..<n {
                let activated = GemmlowpInt16.tanh(cell[i], integerBits: tanhBits)
                let h = p.hiddenMultiplier.apply(Int32(outputGate[i]) * Int32(activated)) &+ p.hiddenZeroPoint
                let clamped = Int8(Swift.min(127, Swift.max(-128, h)))
                hidden[i] = clamped
                out[i] = clamped
            }
        }
    }
}
