/// How often the model predicted each class on the reference data.
public struct ClassDistribution: Codable, Sendable, Equatable {
    /// Count per class index (argmax of output 0).
    public var counts: [Int]
    /// `model` when the bundle builder ran the model on the baseline rows, `column` when the CSV supplied them.
    public var source: String

    public init(counts: [Int], source: String) {
        self.counts = counts
        self.source = source
    }

    /// Share of each class; all zero when there were no predictions.
    public var frequencies: [Double] {
        let total = counts.reduce(0, +)
        return counts.map { total == 0 ? 0 : Double($0) / Double(total) }
    }
}
