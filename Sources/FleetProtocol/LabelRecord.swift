/// A ground-truth label received on the feedback topic, joined with the captured sample it names.
public struct LabelRecord: Codable, Sendable, Equatable {
    public var sampleID: String
    public var label: Int
    /// False when the device no longer remembers the sample (then the prediction fields are nil).
    public var matched: Bool
    public var predictedClass: Int?
    public var correct: Bool?
    public var bundleDigest: String?

    public init(sampleID: String, label: Int, matched: Bool, predictedClass: Int?, correct: Bool?, bundleDigest: String?) {
        self.sampleID = sampleID
        self.label = label
        self.matched = matched
        self.predictedClass = predictedClass
        self.correct = correct
        self.bundleDigest = bundleDigest
    }
}
