import Runtime
import TFLite

/// Runs a `.tflite` classifier (or autoencoder) row by row with the project's runtime.
///
/// Takes models with one input of F values (float32, or int8/uint8, which rows are quantised to with the
/// input's scale and zero point) and reads output 0. Class names come from the trainer's metadata when the
/// model has it, else output k is class "k".
public final class ModelEvaluator {
    public let model: Model
    public let interpreter: Interpreter
    public let metadata: ModelMetadata?
    /// Class names by output index.
    public let classNames: [String]
    /// Values per input row.
    public let featureCount: Int

    public init(model: Model) throws(TrainingError) {
        self.model = model
        do {
            interpreter = try Interpreter(model: model)
        } catch {
            throw TrainingError(.runtime, "the runtime cannot run this model: \(error.message)")
        }
        guard interpreter.inputs.count == 1 else {
            throw TrainingError(.invalidModel, "the model has \(interpreter.inputs.count) inputs; evaluation needs exactly one")
        }
        let input = interpreter.inputs[0]
        guard [.float32, .int8, .uint8].contains(input.type) else {
            throw TrainingError(.invalidModel, "the model's input is \(input.type.name); evaluation supports float32, int8 and uint8")
        }
        featureCount = input.shape.reduce(1, *)
        metadata = ModelMetadata(description: model.description)
        let outputs = interpreter.outputs[0].shape.reduce(1, *)
        if let metadata, metadata.task == .classifier, metadata.classes.count == outputs {
            classNames = metadata.classes
        } else {
            classNames = (0..<outputs).map(String.init)
        }
    }

    /// The input tensor bytes for one row of raw features (what `edgectl run --input` takes).
    public func inputBytes(_ row: ArraySlice<Float>) -> [UInt8] {
        Self.inputBytes(row, for: interpreter.inputs[0])
    }

    /// Real values as a tensor's bytes: float32 as is, int8/uint8 quantised with its scale and zero point
    /// exactly as TFLite's QUANTIZE would.
    public static func inputBytes(_ row: ArraySlice<Float>, for info: TensorInfo) -> [UInt8] {
        switch info.type {
        case .float32:
            return ConstantBytes.of(Array(row))
        case .int8:
            let p = QuantizationParameters(scale: info.scale, zeroPoint: info.zeroPoint)
            return row.map { UInt8(bitPattern: p.quantize($0)) }
        default:
            // uint8: quantise around zero point − 128 in int8, then shift back.
            let p = QuantizationParameters(scale: info.scale, zeroPoint: info.zeroPoint - 128)
            return row.map { UInt8(Int(p.quantize($0)) + 128) }
        }
    }

    /// Runs one row and returns every output's raw bytes.
    public func run(_ row: ArraySlice<Float>) throws(TrainingError) -> [[UInt8]] {
        guard row.count == featureCount else {
            throw TrainingError(.invalidData, "the model takes \(featureCount) values per input, the row has \(row.count)")
        }
        do {
            try interpreter.setInput(0, inputBytes(row))
        } catch {
            throw TrainingError(.runtime, error.message)
        }
        interpreter.invoke()
        return (0..<interpreter.outputs.count).map { interpreter.outputBytes($0) }
    }

    /// Output 0 as real numbers (dequantised for int8/uint8).
    public func scores(_ row: ArraySlice<Float>) throws(TrainingError) -> [Float] {
        let bytes = try run(row)[0]
        let info = interpreter.outputs[0]
        switch info.type {
        case .int8: return bytes.map { info.scale * Float(Int32(Int8(bitPattern: $0)) - info.zeroPoint) }
        case .uint8: return bytes.map { info.scale * Float(Int32($0) - info.zeroPoint) }
        case .float32: return ConstantBytes.floats(bytes[...])
        default: throw TrainingError(.invalidModel, "the model's output is \(info.type.name); evaluation reads int8, uint8 or float32")
        }
    }

    /// The predicted class (first maximum on ties, as ARG_MAX) of one row.
    public func predict(_ row: ArraySlice<Float>) throws(TrainingError) -> Int {
        argmax(try scores(row))
    }

    /// Predictions for every row of `data`.
    public func predictions(_ data: Dataset) throws(TrainingError) -> [Int] {
        try checkFeatures(data)
        var out: [Int] = []
        out.reserveCapacity(data.rowCount)
        for r in 0..<data.rowCount { out.append(try predict(data.row(r))) }
        return out
    }

    /// Classification report over labelled rows; labels must name the model's classes.
    public func evaluate(_ data: Dataset) throws(TrainingError) -> ClassificationReport {
        if let metadata, metadata.task == .autoencoder {
            throw TrainingError(.invalidModel, "this model is an autoencoder; classification metrics do not apply (use anomaly scores)")
        }
        try checkFeatures(data)
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        var truth: [Int] = []
        truth.reserveCapacity(data.rowCount)
        for r in 0..<data.rowCount {
            let name = data.classNames[data.labels[r]]
            guard let k = index[name] else {
                let known = classNames.count > 12 ? "\(classNames.prefix(12).joined(separator: ", ")), ..." : classNames.joined(separator: ", ")
                throw TrainingError(.invalidData, "\(data.source) line \(data.sourceLines[r]), column \(data.featureCount + 1) (\"\(data.labelName)\"): label \"\(name)\" is not one of the model's classes (\(known))")
            }
            truth.append(k)
        }
        return ClassificationReport(truth: truth, predicted: try predictions(data), classes: classNames)
    }

    private func checkFeatures(_ data: Dataset) throws(TrainingError) {
        guard data.featureCount == featureCount else {
            throw TrainingError(.invalidData, "\(data.source) has \(data.featureCount) feature columns, the model takes \(featureCount) values per input")
        }
    }
}
