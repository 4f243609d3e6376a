// Float32 UNIDIRECTIONAL_SEQUENCE_LSTM (unidirectional_sequence_lstm.cc → lstm_eval.cc EvalFloat, without CIFG,
// peephole, projection or layer normalisation), bit-exact with LiteRT's reference: per time step and batch each gate
// is (W_x·x + bias) then (W_h·h + that), the products in Eigen's GEMV order (EigenFloatMath.dot); sigmoid and tanh
// are Eigen's approximations (EigenFloatMath), the sigmoid's packet/scalar split following where LiteRT's gate
// scratch buffers sit relative to 16-byte boundaries; c = f·c + g·i (clipped when cell_clip > 0); h = o·act(c).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Geometry and options of a float LSTM.
public struct FloatLSTMParameters: Sendable, Equatable {
    public var batches: Int
    public var steps: Int
    public var inputSize: Int
    public var cells: Int
    public var timeMajor: Bool
    public var cellClip: Float
    /// The cell activation (tanh in every Keras LSTM; relu and none also occur).
    public var activation: Activation

    public enum Activation: Sendable, Equatable { case none, relu, relu6, tanh, sigmoid }

    public init(batches: Int, steps: Int, inputSize: Int, cells: Int, timeMajor: Bool, cellClip: Float, activation: Activation) {
        self.batches = batches
        self.steps = steps
        self.inputSize = inputSize
        self.cells = cells
        self.timeMajor = timeMajor
        self.cellClip = cellClip
        self.activation = activation
    }

    /// Whether LiteRT multiplies all batches at once (a GEMM) rather than running batch by batch: time-major with
    /// several batches.
    public var batchesAtOnce: Bool { timeMajor && batches > 1 }

    /// Floats of scratch `floatLSTM` needs: four gates, the hidden and the cell state, one temporary row (one batch
    /// at a time); for all batches at once, all of those for every batch plus the input products and the GEMM's
    /// packed columns.
    public var scratchCount: Int {
        batchesAtOnce ? cells * batches * 8 + EigenFloatMath.gemmPackedCount(depth: Swift.max(inputSize, cells)) : cells * 7
    }
}

/// The weights of a float LSTM, gate order input, forget, cell, output; all [cells, inputSize] / [cells, cells].
public struct FloatLSTMWeights {
    public var inputWeights: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)
    public var recurrentWeights: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)
    public var biases: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)

    public init(inputWeights: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
                recurrentWeights: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
                biases: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)) {
        self.inputWeights = inputWeights
        self.recurrentWeights = recurrentWeights
        self.biases = biases
    }
}

/// tensor_utils::ApplyActivationToVector for the cell activation (tanh through Eigen; relu variants plain).
@inlinable
func lstmActivate(_ a: FloatLSTMParameters.Activation, _ x: Float) -> Float {
    switch a {
    case .none: x
    case .relu: Swift.max(0, x)
    case .relu6: Swift.min(6, Swift.max(0, x))
    case .tanh: EigenFloatMath.tanh(x)
    case .sigmoid: EigenFloatMath.logisticScalar(x)
    }
}

/// One step's cell update over `count` elements, in LiteRT's order: the cell gate activated in place, then
/// c = f·c, c = c + g·i, then the clip.
@inlinable @inline(__always)
func lstmUpdateCell(_ p: FloatLSTMParameters, input gi: UnsafePointer<Float>, forget gf: UnsafePointer<Float>,
                    cell gc: UnsafeMutablePointer<Float>, state c: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { gc[i] = lstmActivate(p.activation, gc[i]) }
    for i in 0..<count { c[i] = gf[i] * c[i] }
    for i in 0..<count { c[i] = c[i] + gc[i] * gi[i] }
    if p.cellClip > 0 {
        for i in 0..<count { c[i] = Swift.max(Swift.min(p.cellClip, c[i]), -p.cellClip) }
    }
}

/// One step's hidden state h = o · act(c) over `count` elements, written to `hidden` and to `dst`.
/// With no cell activation LiteRT's ApplyActivationToVector writes nothing, so the product takes the cell gate
/// still in that scratch buffer instead of c: reproduced as is.
@inlinable @inline(__always)
func lstmOutput(_ p: FloatLSTMParameters, output go: UnsafePointer<Float>, cell gc: UnsafePointer<Float>,
                state c: UnsafePointer<Float>, activated tmp: UnsafeMutablePointer<Float>,
                hidden h: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    if p.activation == .none {
        for i in 0..<count { tmp[i] = gc[i] }
    } else {
        for i in 0..<count { tmp[i] = lstmActivate(p.activation, c[i]) }
    }
    for i in 0..<count {
        h[i] = go[i] * tmp[i]
        dst[i] = h[i]
    }
}

/// Runs the sequence from zero state. `output` receives the hidden state of every step ([batch, time, cells], or
/// [time, batch, cells] when time-major); `scratch` holds `scratchCount` floats. Batch by batch, as LiteRT runs a
/// batch-major sequence; a time-major one with several batches all batches at once, as LiteRT does
/// (`floatLSTMBatchesAtOnce`).
@inlinable
public func floatLSTM(_ p: FloatLSTMParameters, _ w: FloatLSTMWeights, input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                      output: UnsafeMutablePointer<Float>) {
    if p.batchesAtOnce {
        floatLSTMBatchesAtOnce(p, w, input: input, scratch: scratch, output: output)
        return
    }
    let n = p.cells
    let gi = scratch, gf = scratch + n, gc = scratch + 2 * n, go = scratch + 3 * n
    let h = scratch + 4 * n, c = scratch + 5 * n, tmp = scratch + 6 * n
    // Where LiteRT's scratch places each gate of batch b (floats from a 64-byte-aligned base: input, cell, forget,
    // output gates of n·batches each): decides which sigmoid elements Eigen computes as packets.
    let stride = n * p.batches
    for b in 0..<p.batches {
        h.update(repeating: 0, count: n)
        c.update(repeating: 0, count: n)
        for t in 0..<p.steps {
            let row = p.timeMajor ? t * p.batches + b : b * p.steps + t
            let x = input + row * p.inputSize
            func gate(_ g: UnsafeMutablePointer<Float>, _ wx: UnsafePointer<Float>, _ wh: UnsafePointer<Float>,
                      _ bias: UnsafePointer<Float>) {
                for r in 0..<n { g[r] = EigenFloatMath.dot(wx + r * p.inputSize, x, count: p.inputSize) + bias[r] }
                for r in 0..<n { g[r] = EigenFloatMath.dot(wh + r * n, h, count: n) + g[r] }
            }
            gate(gi, w.inputWeights.0, w.recurrentWeights.0, w.biases.0)
            EigenFloatMath.logistic(gi, gi, count: n, offset: b * n)
            gate(gf, w.inputWeights.1, w.recurrentWeights.1, w.biases.1)
            EigenFloatMath.logistic(gf, gf, count: n, offset: 2 * stride + b * n)
            gate(gc, w.inputWeights.2, w.recurrentWeights.2, w.biases.2)
            lstmUpdateCell(p, input: gi, forget: gf, cell: gc, state: c, count: n)
            gate(go, w.inputWeights.3, w.recurrentWeights.3, w.biases.3)
            EigenFloatMath.logistic(go, go, count: n, offset: 3 * stride + b * n)
            lstmOutput(p, output: go, cell: gc, state: c, activated: tmp, hidden: h, into: output + row * n, count: n)
        }
    }
}

/// A time-major sequence with several batches, as LiteRT's EvalFloat runs it: one LstmStepFloat per time step over
/// all batches, each gate `(W_h·H + (W_x·X + bias))` with the products as one Eigen GEMM over the batches
/// (`EigenFloatMath.gemm`), the sigmoid over the whole [batches, cells] gate buffer (its packet/scalar split by where
/// that buffer sits in LiteRT's scratch), the element-wise updates over all batches.
@inlinable
func floatLSTMBatchesAtOnce(_ p: FloatLSTMParameters, _ w: FloatLSTMWeights, input: UnsafePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
    let n = p.cells, count = n * p.batches
    let gi = scratch, gf = scratch + count, gc = scratch + 2 * count, go = scratch + 3 * count
    let h = scratch + 4 * count, c = scratch + 5 * count, tmp = scratch + 6 * count, products = scratch + 7 * count
    let packed = scratch + 8 * count
    h.update(repeating: 0, count: count)
    c.update(repeating: 0, count: count)
    for t in 0..<p.steps {
        let x = input + t * p.batches * p.inputSize
        // LiteRT skips the input products of a step whose input is all zeros (the gate keeps the bias as is).
        var inputIsZero = true
        for i in 0..<(p.batches * p.inputSize) where x[i] != 0 {
            inputIsZero = false
            break
        }
        // MatrixBatchVectorMultiplyAccumulate with several batches: the GEMM without bias, then `output[i] += result[i]`.
        func gate(_ g: UnsafeMutablePointer<Float>, _ wx: UnsafePointer<Float>, _ wh: UnsafePointer<Float>,
                  _ bias: UnsafePointer<Float>) {
            if inputIsZero {
                for b in 0..<p.batches { (products + b * n).update(from: bias, count: n) }
            } else {
                EigenFloatMath.gemm(wx, rows: n, depth: p.inputSize, x, columns: p.batches, into: products, packed: packed)
                for b in 0..<p.batches {
                    for r in 0..<n { products[b * n + r] = products[b * n + r] + bias[r] }
                }
            }
            EigenFloatMath.gemm(wh, rows: n, depth: n, h, columns: p.batches, into: g, packed: packed)
            for i in 0..<count { g[i] = g[i] + products[i] }
        }
        // LiteRT's gate buffers: input, cell, forget, output, `count` floats each from a 64-byte-aligned base.
        gate(gi, w.inputWeights.0, w.recurrentWeights.0, w.biases.0)
        EigenFloatMath.logistic(gi, gi, count: count, offset: 0)
        gate(gf, w.inputWeights.1, w.recurrentWeights.1, w.biases.1)
        EigenFloatMath.logistic(gf, gf, count: count, offset: 2 * count)
        gate(gc, w.inputWeights.2, w.recurrentWeights.2, w.biases.2)
        lstmUpdateCell(p, input: gi, forget: gf, cell: gc, state: c, count: count)
        gate(go, w.inputWeights.3, w.recurrentWeights.3, w.biases.3)
        EigenFloatMath.logistic(go, go, count: count, offset: 3 * count)
        lstmOutput(p, output: go, cell: gc, state: c, activated: tmp, hidden: h, into: output + t * count, count: count)
    }
}
