/// A snapshot without its member list: what listings show.
public struct SnapshotSummary: Codable, Sendable, Equatable {
    public var id: String
    public var model: String
    public var dtype: String
    public var shape: [Int]
    public var columns: [String]
    public var validationPercent: Int
    public var samples: Int
    public var trainSamples: Int
    public var validationSamples: Int
    /// Samples per label.
    public var classCounts: [String: Int]
    public var createdAt: Int64
    public var createdBy: String
    public var cause: String?

    public init(_ snapshot: DatasetSnapshot) {
        id = snapshot.id
        model = snapshot.model
        dtype = snapshot.dtype
        shape = snapshot.shape
        columns = snapshot.columns
        validationPercent = snapshot.validationPercent
        samples = snapshot.members.count
        trainSamples = snapshot.count(.train)
        validationSamples = snapshot.count(.validation)
        classCounts = snapshot.members.reduce(into: [:]) { $0[$1.label, default: 0] += 1 }
        createdAt = snapshot.createdAt
        createdBy = snapshot.createdBy
        cause = snapshot.cause
    }
}
