/// One sample of a snapshot: its hash, the label it was frozen with and its split.
public struct SnapshotMember: Codable, Sendable, Equatable {
    public var sampleHash: String
    public var label: String
    public var split: SnapshotSplit

    public init(sampleHash: String, label: String, split: SnapshotSplit) {
        self.sampleHash = sampleHash
        self.label = label
        self.split = split
    }
}
