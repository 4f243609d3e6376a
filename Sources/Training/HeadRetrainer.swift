import Runtime
import TFLite

/// Retrains the classifier head of an int8 model: embeddings from the backbone (run by the project's runtime),
/// a new float head trained on them, and a new model with the quantised head spliced in after the embedding.
///
/// The head is one FULLY_CONNECTED (+ SOFTMAX) on the embedding tensor, which must be 2-D [1, D] int8. It is
/// trained on standardised embeddings and the standardisation is folded into its weights, which is exact for
/// a linear layer, so the spliced model needs no float ops in the middle.
public struct HeadRetrainer: Sendable {
    public let backbone: Model
    /// Index of the embedding tensor in the backbone's main graph.
    public let embeddingTensor: Int
    /// Values per embedding.
    public let embeddingSize: Int
    /// The embedding tensor's quantisation: the new head's input.
    public let embeddingQuantization: QuantizationParameters

    public init(backbone: Model, embedding: TensorSelector) throws(TrainingError) {
        let graph = backbone.mainGraph
        let index = try embedding.resolve(in: graph)
        let tensor = graph.tensors[index]
        let label = "\(embedding) (\"\(tensor.name)\", \(tensor.type.name) \(tensor.shape))"
        guard tensor.type == .int8 else {
            throw TrainingError(.invalidModel, "\(label) is not int8; head retraining needs an int8 embedding tensor")
        }
        guard tensor.shape.count == 2, tensor.shape[0] == 1, tensor.shape[1] > 0 else {
            throw TrainingError(.invalidModel, "\(label) is not 2-D [1, D]; head retraining needs a flat embedding such as the output of the RESHAPE before the classifier")
        }
        guard backbone.data(of: tensor).isEmpty else {
            throw TrainingError(.invalidModel, "\(label) is a constant, not an activation")
        }
        guard graph.inputs.contains(index) || graph.operators.contains(where: { $0.outputs.contains(index) }) else {
            throw TrainingError(.invalidModel, "\(label) is not computed by any operator of the main graph")
        }
        guard let q = tensor.quantization, q.isPerTensor, q.scale > 0 else {
            throw TrainingError(.invalidModel, "\(label) has no per-tensor quantisation")
        }
        self.backbone = backbone
        embeddingTensor = index
        embeddingSize = tensor.shape[1]
        embeddingQuantization = QuantizationParameters(scale: q.scale, zeroPoint: q.zeroPoint)
    }

    /// Dequantised embeddings, row-major [rows, D], of input rows holding the backbone input's real values
    /// (quantised with the input tensor's scale and zero point when it is int8/uint8, as `edgectl eval` does).
    public func embeddings(_ inputs: Dataset) throws(TrainingError) -> Dataset {
        let interpreter: Interpreter
        do {
            interpreter = try Interpreter(model: backbone, planner: LinearMemoryPlanner())
        } catch {
            throw TrainingError(.runtime, "the runtime cannot run the backbone: \(error.message)")
        }
        let info = interpreter.inputs[0]
        let count = info.shape.reduce(1, *)
        guard [.float32, .int8, .uint8].contains(info.type) else {
            throw TrainingError(.invalidModel, "the backbone's input is \(info.type.name); head retraining supports float32, int8 and uint8 inputs")
        }
        guard inputs.featureCount == count else {
            throw TrainingError(.invalidData, "\(inputs.source) has \(inputs.featureCount) feature columns; the backbone's input \(info.shape) takes \(count) values")
        }
        var out: [Float] = []
        out.reserveCapacity(inputs.rowCount * embeddingSize)
        for r in 0..<inputs.rowCount {
            let bytes = ModelEvaluator.inputBytes(inputs.row(r), for: info)
            do { try interpreter.setInput(0, bytes) } catch { throw TrainingError(.runtime, error.message) }
            interpreter.invoke()
            guard let raw = interpreter.tensorBytes(embeddingTensor) else {
                throw TrainingError(.runtime, "the runtime kept no memory for the embedding tensor")
            }
            out += raw.map { embeddingQuantization.dequantize(Int8(bitPattern: $0)) }
        }
        let names = (0..<embeddingSize).map { "e\($0)" }
        return Dataset(featureNames: names, labelName: inputs.labelName, features: out, labels: inputs.labels,
                       classNames: inputs.classNames, sourceLines: inputs.sourceLines, source: inputs.source)
    }

    /// Trains a float head (a single linear layer, whatever `hiddenLayers` says) on embeddings.
    public func trainHead(_ embeddings: Dataset, configuration: TrainingConfiguration = TrainingConfiguration(),
                          progress: (EpochReport) -> Void = { _ in }) throws(TrainingError) -> TrainingResult {
        var c = configuration
        c.hiddenLayers = []
        c.task = .classifier
        return try Trainer(configuration: c).train(embeddings, progress: progress)
    }

    /// The head with its standardisation folded in: W' = W·diag(1/σ), b' = b − W'·μ.
    public static func foldStandardization(_ head: TrainedModel) -> DenseLayer {
        var layer = head.network.layers[0]
        let s = head.standardization
        for o in 0..<layer.outputCount {
            var shift: Double = 0
            for i in 0..<layer.inputCount {
                let w = layer.weights[o * layer.inputCount + i] * s.inverseStd[i]
                layer.weights[o * layer.inputCount + i] = w
                shift += Double(w) * Double(s.mean[i])
            }
            layer.biases[o] = Float(Double(layer.biases[o]) - shift)
        }
        return layer
    }

    /// The new model: the backbone up to the embedding, then the quantised head and an int8 SOFTMAX.
    ///
    /// `calibration` holds dequantised embeddings (e.g. the training rows) for the logits' range.
    public func splice(_ head: TrainedModel, calibration: Dataset) throws(TrainingError) -> Model {
        guard head.network.layers.count == 1, head.network.inputCount == embeddingSize else {
            throw TrainingError(.invalidModel, "the head must be one dense layer over \(embeddingSize) embedding values")
        }
        let layer = Self.foldStandardization(head)
        let folded = MultilayerPerceptron(layers: [layer])
        let logits = calibration.rowCount > 0 ? folded.outputs(calibration.features) : [0]
        let output = QuantizationParameters(calibratedMin: logits.min() ?? 0, calibratedMax: logits.max() ?? 0)
        let q = QuantizedDenseLayer(layer, input: embeddingQuantization, output: output)

        let graph = backbone.mainGraph
        // Keep only what the embedding depends on.
        var needed: Set<Int> = [embeddingTensor]
        var kept: [Operator] = []
        for op in graph.operators.reversed() where op.outputs.contains(where: needed.contains) {
            kept.insert(op, at: 0)
            for i in op.inputs where i >= 0 { needed.insert(i) }
        }
        var builder = GraphBuilder()
        var remap: [Int: Int] = [:]
        func adopt(_ i: Int) -> Int {
            guard i >= 0 else { return i }
            if let j = remap[i] { return j }
            var t = graph.tensors[i]
            let data = backbone.data(of: t)
            if data.isEmpty {
                t.buffer = 0
            } else {
                builder.buffers.append(Array(data))
                t.buffer = builder.buffers.count - 1
            }
            builder.tensors.append(t)
            remap[i] = builder.tensors.count - 1
            return builder.tensors.count - 1
        }
        let inputs = graph.inputs.filter { needed.contains($0) }.map(adopt)
        for var op in kept {
            op.inputs = op.inputs.map(adopt)
            op.outputs = op.outputs.map(adopt)
            builder.add(op)
        }
        let embedding = adopt(embeddingTensor)
        let logitsTensor = builder.fullyConnected(q, input: embedding, name: "head/logits", outputShape: [1, q.outputCount])
        let probabilities = builder.softmax(input: logitsTensor, name: "head/probabilities", shape: [1, q.outputCount])
        let metadata = ModelMetadata(task: .classifier, classes: head.classNames, features: [])
        return try builder.model(description: metadata.json, inputs: inputs, outputs: [probabilities])
    }
}
