/// Data capture and feedback over an interval.
public struct CaptureStatistics: Codable, Sendable, Equatable {
    /// Samples captured and queued for the samples topic.
    public var captured: UInt64
    /// Inputs that qualified but found the budget spent.
    public var overBudget: UInt64
    /// Labels received and joined with a captured sample.
    public var labeled: UInt64
    /// Joined labels equal to the prediction.
    public var correct: UInt64
    /// Labels naming no sample the device remembers.
    public var unmatched: UInt64

    public init(captured: UInt64 = 0, overBudget: UInt64 = 0, labeled: UInt64 = 0, correct: UInt64 = 0, unmatched: UInt64 = 0) {
        self.captured = captured
        self.overBudget = overBudget
        self.labeled = labeled
        self.correct = correct
        self.unmatched = unmatched
    }
}
