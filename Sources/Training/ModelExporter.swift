import TFLite

/// Writes a quantised model as a standard `.tflite` any TFLite runtime can load.
///
/// Graph: float32 input [1, F] → SUB mean → MUL 1/std (float) → QUANTIZE → FULLY_CONNECTED (int8, fused ReLU) …
/// → FULLY_CONNECTED → SOFTMAX (classifiers: int8 probabilities at 1/256, zero point −128). Autoencoders end
/// at the last FULLY_CONNECTED and also output the quantised input, at the same scale, to compare against.
public enum ModelExporter {
    /// Builds the `.tflite` model (parsed back through the project's validating reader).
    public static func model(_ q: QuantizedModel) throws(TrainingError) -> Model {
        let f = q.standardization.featureCount
        var g = GraphBuilder()
        let input = g.activation("input", shape: [1, f], type: .float32)
        let mean = g.constant("standardization/mean", shape: [f], type: .float32, bytes: ConstantBytes.of(q.standardization.mean))
        let centered = g.activation("standardization/centered", shape: [1, f], type: .float32)
        let inverseStd = g.constant("standardization/inverse_std", shape: [f], type: .float32,
                                    bytes: ConstantBytes.of(q.standardization.inverseStd))
        let standardized = g.activation("standardization/standardized", shape: [1, f], type: .float32)
        let quantized = g.activation("quantized_input", shape: [1, f], type: .int8,
                                     quantization: Quantization(scales: [q.input.scale], zeroPoints: [Int64(q.input.zeroPoint)]))
        g.add(Operator(opcode: .sub, version: ExportedOperatorVersion.floatArithmetic, inputs: [input, mean],
                       outputs: [centered], options: .arithmetic(ArithmeticOptions())))
        g.add(Operator(opcode: .mul, version: ExportedOperatorVersion.floatArithmetic, inputs: [centered, inverseStd],
                       outputs: [standardized], options: .arithmetic(ArithmeticOptions())))
        g.add(Operator(opcode: .quantize, version: ExportedOperatorVersion.quantize, inputs: [standardized], outputs: [quantized]))
        var x = quantized
        for (i, layer) in q.layers.enumerated() {
            let last = i == q.layers.count - 1
            let name = last ? (q.task == .classifier ? "logits" : "reconstruction") : "dense_\(i + 1)"
            x = g.fullyConnected(layer, input: x, name: name, outputShape: [1, layer.outputCount])
        }
        let metadata = ModelMetadata(task: q.task, classes: q.classNames, features: q.featureNames)
        switch q.task {
        case .classifier:
            let probabilities = g.softmax(input: x, name: "probabilities", shape: [1, q.layers.last!.outputCount])
            return try g.model(description: metadata.json, inputs: [input], outputs: [probabilities])
        case .autoencoder:
            return try g.model(description: metadata.json, inputs: [input], outputs: [x, quantized])
        }
    }

    /// The `.tflite` file bytes.
    public static func serialized(_ q: QuantizedModel) throws(TrainingError) -> [UInt8] {
        try model(q).serialized()
    }
}
