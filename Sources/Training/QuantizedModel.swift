/// A trained model after post-training quantisation: float standardisation, then an int8 network.
public struct QuantizedModel: Sendable, Equatable {
    public var task: TrainingTask
    public var standardization: Standardization
    /// Parameters of the QUANTIZE that turns standardised floats into the network's int8 input.
    public var input: QuantizationParameters
    public var layers: [QuantizedDenseLayer]
    public var classNames: [String]
    public var featureNames: [String]

    public init(task: TrainingTask, standardization: Standardization, input: QuantizationParameters,
                layers: [QuantizedDenseLayer], classNames: [String], featureNames: [String]) {
        self.task = task
        self.standardization = standardization
        self.input = input
        self.layers = layers
        self.classNames = classNames
        self.featureNames = featureNames
    }
}
