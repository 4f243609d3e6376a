/// Post-training int8 quantisation with calibration data, following TFLite's converter.
///
/// Weights: per-channel symmetric int8 (zero point 0, [−127, 127]). Biases: int32 at input × weight scale.
/// Activations: asymmetric int8 from the min/max the float network reaches on the calibration rows (ReLU
/// layers are calibrated after the ReLU, as the fused op's output is). The standardisation stays in float.
public enum PostTrainingQuantizer {
    /// Quantises `model`, calibrating on raw row-major feature rows (typically the training rows).
    public static func quantize(_ model: TrainedModel, calibration raw: [Float]) throws(TrainingError) -> QuantizedModel {
        let n = model.network.inputCount
        guard n > 0, raw.count >= n, raw.count % n == 0 else {
            throw TrainingError(.invalidData, "calibration data must hold whole rows of \(n) features, got \(raw.count) values")
        }
        let x = model.standardization.apply(raw)
        let ranges = calibrate(model.network, standardized: x)
        let inputParameters: QuantizationParameters
        var outputParameters = ranges.layers.map { QuantizationParameters(calibratedMin: $0.min, calibratedMax: $0.max) }
        switch model.task {
        case .classifier:
            inputParameters = QuantizationParameters(calibratedMin: ranges.input.min, calibratedMax: ranges.input.max)
        case .autoencoder:
            // The reconstruction shares the input's parameters so the anomaly score can be read off the int8
            // tensors directly: score = scale² · mean((r − x)²).
            let last = ranges.layers[ranges.layers.count - 1]
            inputParameters = QuantizationParameters(calibratedMin: min(ranges.input.min, last.min),
                                                     calibratedMax: max(ranges.input.max, last.max))
            outputParameters[outputParameters.count - 1] = inputParameters
        }
        var layers: [QuantizedDenseLayer] = []
        var previous = inputParameters
        for (layer, output) in zip(model.network.layers, outputParameters) {
            let q = QuantizedDenseLayer(layer, input: previous, output: output)
            layers.append(q)
            previous = output
        }
        return QuantizedModel(task: model.task, standardization: model.standardization, input: inputParameters,
                              layers: layers, classNames: model.classNames, featureNames: model.featureNames)
    }

    /// Min and max of the standardised input and of every layer's output over the calibration rows.
    static func calibrate(_ network: MultilayerPerceptron, standardized x: [Float])
        -> (input: (min: Float, max: Float), layers: [(min: Float, max: Float)]) {
        let n = network.inputCount
        var input = (min: Float.infinity, max: -Float.infinity)
        var layers = [(min: Float, max: Float)](repeating: (.infinity, -.infinity), count: network.layers.count)
        for r in 0..<(x.count / n) {
            let row = x[r * n ..< (r + 1) * n]
            for v in row { input = (min(input.min, v), max(input.max, v)) }
            for (l, values) in network.activations(row).enumerated() {
                for v in values { layers[l] = (min(layers[l].min, v), max(layers[l].max, v)) }
            }
        }
        return (input, layers)
    }
}
