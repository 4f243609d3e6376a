/// How often devices of one firmware profile running one model version predicted what the ground truth later said.
public struct LabelAccuracy: Codable, Sendable, Equatable {
    public var release: UInt64
    public var version: String
    public var profile: String
    public var labelled: Int
    public var correct: Int

    public init(release: UInt64, version: String, profile: String, labelled: Int, correct: Int) {
        self.release = release
        self.version = version
        self.profile = profile
        self.labelled = labelled
        self.correct = correct
    }

    /// `correct / labelled`, nil without labels.
    public var accuracy: Double? { labelled > 0 ? Double(correct) / Double(labelled) : nil }
}
