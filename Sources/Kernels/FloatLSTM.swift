// Float32 UNIDIRECTIONAL_SEQUENCE_LSTM (unidirectional_sequence_lstm.cc → lstm_eval.cc EvalFloat, without CIFG,
// peephole, projection or layer normalisation): per time step each gate starts from its bias, accumulates the
// input and recurrent matrix products (PortableMatrixBatchVectorMultiplyAccumulate: a sequential dot product added
// to the gate), then sigmoid 1/(1+expf(−x)) or tanhf; c = f·c + i·g (clipped when cell_clip > 0); h = o·tanh(c).
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

    /// Floats of scratch `floatLSTM` needs: four gates, the hidden and the cell state, one temporary row.
    public var scratchCount: Int { batches * cells * 7 }
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

@inlinable
func lstmActivate(_ a: FloatLSTMParameters.Activation, _ x: Float) -> Float {
    switch a {
    case .none: x
    case .relu: Swift.max(0, x)
    case .relu6: Swift.min(6, Swift.max(0, x))
    case .tanh: tanhf(x)
    case .sigmoid: 1 / (1 + expf(-x))
    }
}

/// Runs the sequence from zero state. `output` receives the hidden state of every step ([batch, time, cells], or
/// [time, batch, cells] when time-major); `scratch` holds `scratchCount` floats.
@inlinable
public func floatLSTM(_ p: FloatLSTMParameters, _ w: FloatLSTMWeights, input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                      output: UnsafeMutablePointer<Float>) {
    let n = p.cells, bN = p.batches * n
    let gi = scratch, gf = scratch + bN, gc = scratch + 2 * bN, go = scratch + 3 * bN
    let h = scratch + 4 * bN, c = scratch + 5 * bN, tmp = scratch + 6 * bN
    h.update(repeating: 0, count: bN)
    c.update(repeating: 0, count: bN)
    // The input rows of one step, batch by batch: contiguous when time-major, strided by steps otherwise.
    func gate(_ g: UnsafeMutablePointer<Float>, _ wx: UnsafePointer<Float>, _ wh: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
              _ t: Int, _ act: FloatLSTMParameters.Activation) {
        for b in 0..<p.batches {
            let x = input + (p.timeMajor ? (t * p.batches + b) : (b * p.steps + t)) * p.inputSize
            let row = g + b * n
            for r in 0..<n { row[r] = bias[r] }
            for r in 0..<n {
                var dot: Float = 0
                let wr = wx + r * p.inputSize
                for k in 0..<p.inputSize { dot += wr[k] * x[k] }
                row[r] += dot
            }
            let hb = h + b * n
            for r in 0..<n {
                var dot: Float = 0
                let wr = wh + r * n
                for k in 0..<n { dot += wr[k] * hb[k] }
                row[r] += dot
            }
        }
        for i in 0..<bN { g[i] = lstmActivate(act, g[i]) }
    }
    for t in 0..<p.steps {
        gate(gi, w.inputWeights.0, w.recurrentWeights.0, w.biases.0, t, .sigmoid)
        gate(gf, w.inputWeights.1, w.recurrentWeights.1, w.biases.1, t, .sigmoid)
        gate(gc, w.inputWeights.2, w.recurrentWeights.2, w.biases.2, t, p.activation)
        gate(go, w.inputWeights.3, w.recurrentWeights.3, w.biases.3, t, .sigmoid)
        for i in 0..<bN { c[i] = gf[i] * c[i] }
        for i in 0..<bN { c[i] += gi[i] * gc[i] }
        if p.cellClip > 0 {
            for i in 0..<bN { c[i] = Swift.min(p.cellClip, Swift.max(-p.cellClip, c[i])) }
        }
        for i in 0..<bN { tmp[i] = lstmActivate(p.activation, c[i]) }
        for i in 0..<bN { h[i] = go[i] * tmp[i] }
        for b in 0..<p.batches {
            let dst = output + (p.timeMajor ? (t * p.batches + b) : (b * p.steps + t)) * n
            dst.update(from: h + b * n, count: n)
        }
    }
}
