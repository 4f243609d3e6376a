/// A dense layer in int8: per-channel symmetric weights, int32 biases and its calibrated output parameters.
public struct QuantizedDenseLayer: Sendable, Equatable {
    /// Row-major [outputCount, inputCount], in [−127, 127].
    public var weights: [Int8]
    /// One scale per output unit (quantized_dimension 0); zero points are all 0.
    public var weightScales: [Float]
    /// At scale inputScale × weightScales[o], zero point 0.
    public var biases: [Int32]
    public var inputCount: Int
    public var outputCount: Int
    /// The input tensor's parameters (the previous layer's output, or the quantised input).
    public var input: QuantizationParameters
    public var output: QuantizationParameters
    /// Whether a ReLU is fused into the FULLY_CONNECTED.
    public var relu: Bool

    /// Scales of the int32 bias, one per unit: input_scale × weight_scale in float, as TFLite computes them.
    public var biasScales: [Float] { weightScales.map { input.scale * $0 } }

    /// Quantises a float layer per channel: scale = max|w| / 127 (1 for an all-zero row), q = round(w / scale).
    public init(_ layer: DenseLayer, input: QuantizationParameters, output: QuantizationParameters) {
        inputCount = layer.inputCount
        outputCount = layer.outputCount
        relu = layer.relu
        self.input = input
        self.output = output
        var q = [Int8](repeating: 0, count: layer.weights.count)
        var scales: [Float] = []
        var bias: [Int32] = []
        for o in 0..<layer.outputCount {
            let row = layer.weights[o * layer.inputCount ..< (o + 1) * layer.inputCount]
            let maxAbs = row.reduce(Float(0)) { Swift.max($0, abs($1)) }
            let scale: Float = maxAbs > 0 ? maxAbs / 127 : 1
            scales.append(scale)
            for (i, w) in row.enumerated() {
                let v = (w / scale).rounded(.toNearestOrAwayFromZero)
                q[o * layer.inputCount + i] = Int8(Swift.min(Swift.max(v, -127), 127))
            }
            let biasScale = input.scale * scale
            let b = (Double(layer.biases[o]) / Double(biasScale)).rounded(.toNearestOrAwayFromZero)
            bias.append(Int32(Swift.min(Swift.max(b, Double(Int32.min)), Double(Int32.max))))
        }
        weights = q
        weightScales = scales
        biases = bias
    }
}
