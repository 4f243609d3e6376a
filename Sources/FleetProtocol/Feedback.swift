/// A ground-truth label for a captured sample, sent on the device's feedback topic.
public struct Feedback: DownwardMessage, Equatable {
    public var version: Int
    public var sampleID: String
    /// The true class index.
    public var label: Int

    public init(sampleID: String, label: Int) {
        self.version = FleetProtocol.version
        self.sampleID = sampleID
        self.label = label
    }

    enum CodingKeys: String, CodingKey { case version = "v", sampleID, label }
}
