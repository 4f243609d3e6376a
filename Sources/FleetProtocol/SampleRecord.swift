/// A captured input with the model's prediction, for labelling and retraining.
public struct SampleRecord: Codable, Sendable, Equatable {
    /// Unique per device: labels on the feedback topic name it.
    public var sampleID: String
    public var bundle: BundleReference?
    public var reason: CaptureReason
    public var predictedClass: Int
    public var confidence: Double
    /// The model's input tensors as fed to it (quantised).
    public var inputs: [CapturedTensor]
    /// Raw bytes of output 0.
    public var output: Base64Bytes

    public init(sampleID: String, bundle: BundleReference?, reason: CaptureReason, predictedClass: Int, confidence: Double,
                inputs: [CapturedTensor], output: [UInt8]) {
        self.sampleID = sampleID
        self.bundle = bundle
        self.reason = reason
        self.predictedClass = predictedClass
        self.confidence = confidence
        self.inputs = inputs
        self.output = Base64Bytes(output)
    }
}
