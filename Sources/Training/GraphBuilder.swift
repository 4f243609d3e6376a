import TFLite

/// Accumulates tensors, constant buffers and operators of one subgraph; buffer 0 is the schema's empty sentinel.
struct GraphBuilder {
    var tensors: [Tensor] = []
    var buffers: [[UInt8]] = [[]]
    var operators: [Operator] = []

    /// Adds an activation (non-constant) tensor and returns its index.
    mutating func activation(_ name: String, shape: [Int], type: TensorType, quantization: Quantization? = nil) -> Int {
        tensors.append(Tensor(name: name, shape: shape, type: type, buffer: 0, quantization: quantization))
        return tensors.count - 1
    }

    /// Adds a constant tensor with its own buffer and returns its index.
    mutating func constant(_ name: String, shape: [Int], type: TensorType, bytes: [UInt8], quantization: Quantization? = nil) -> Int {
        buffers.append(bytes)
        tensors.append(Tensor(name: name, shape: shape, type: type, buffer: buffers.count - 1, quantization: quantization))
        return tensors.count - 1
    }

    mutating func add(_ op: Operator) { operators.append(op) }

    /// Appends an int8 FULLY_CONNECTED (per-channel weights, int32 bias) reading `input`; returns its output tensor.
    mutating func fullyConnected(_ layer: QuantizedDenseLayer, input: Int, name: String, outputShape: [Int]) -> Int {
        let zeros = [Int64](repeating: 0, count: layer.outputCount)
        let w = constant("\(name)/weights", shape: [layer.outputCount, layer.inputCount], type: .int8,
                         bytes: ConstantBytes.of(layer.weights),
                         quantization: Quantization(scales: layer.weightScales, zeroPoints: zeros, quantizedDimension: 0))
        let b = constant("\(name)/bias", shape: [layer.outputCount], type: .int32, bytes: ConstantBytes.of(layer.biases),
                         quantization: Quantization(scales: layer.biasScales, zeroPoints: zeros, quantizedDimension: 0))
        let out = activation(name, shape: outputShape, type: .int8,
                             quantization: Quantization(scales: [layer.output.scale], zeroPoints: [Int64(layer.output.zeroPoint)]))
        var options = FullyConnectedOptions()
        options.activation = layer.relu ? .relu : .none
        add(Operator(opcode: .fullyConnected, version: ExportedOperatorVersion.fullyConnected,
                     inputs: [input, w, b], outputs: [out], options: .fullyConnected(options)))
        return out
    }

    /// Appends an int8 SOFTMAX (beta 1, output scale 1/256, zero point −128); returns its output tensor.
    mutating func softmax(input: Int, name: String, shape: [Int]) -> Int {
        let p = QuantizationParameters.softmaxOutput
        let out = activation(name, shape: shape, type: .int8,
                             quantization: Quantization(scales: [p.scale], zeroPoints: [Int64(p.zeroPoint)]))
        var options = SoftmaxOptions()
        options.beta = 1
        add(Operator(opcode: .softmax, version: ExportedOperatorVersion.softmax, inputs: [input], outputs: [out],
                     options: .softmax(options)))
        return out
    }

    func model(description: String, inputs: [Int], outputs: [Int]) throws(TrainingError) -> Model {
        let graph = Subgraph(name: "main", tensors: tensors, inputs: inputs, outputs: outputs, operators: operators)
        do {
            return try Model(description: description, subgraphs: [graph], buffers: buffers)
        } catch {
            throw TrainingError(.invalidModel, "the exported model did not read back: \(error)")
        }
    }
}

/// Operator-code versions written into exported models: the versions TFLite's converter gives these ops
/// with these types (int8 FULLY_CONNECTED 4, int8 SOFTMAX 2, float SUB/MUL 1, float→int8 QUANTIZE 1).
enum ExportedOperatorVersion {
    static let fullyConnected = 4
    static let softmax = 2
    static let floatArithmetic = 1
    static let quantize = 1
}
