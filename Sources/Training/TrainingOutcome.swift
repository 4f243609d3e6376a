import TFLite

/// Everything an end-to-end training run produced: the float result, the int8 model and test figures.
public struct TrainingOutcome: Sendable {
    public var training: TrainingResult
    /// The int8 network (nil for head retraining, whose quantised head lives only in `model`).
    public var quantized: QuantizedModel?
    /// The exported model (already parsed back by the project's reader).
    public var model: Model
    /// Rows trained on (validation included) and the held-out test rows.
    public var trainRows: Int
    public var testRows: Int
    /// Classifiers: test accuracy of the float model and of the int8 model run by the project's runtime.
    public var floatTestAccuracy: Double?
    public var int8TestAccuracy: Double?
    /// Classifiers: the int8 model's report on the test rows.
    public var testReport: ClassificationReport?
    /// Autoencoders: mean anomaly score of the test rows, float and int8.
    public var floatTestScore: Double?
    public var int8TestScore: Double?
    /// Wall time of quantisation and export.
    public var quantizationDuration: Duration

    /// The `.tflite` bytes to write.
    public var modelBytes: [UInt8] { model.serialized() }
}
