/// The outcome of one gate check.
public enum GateCheckStatus: String, Codable, Sendable, Equatable {
    /// The check ran and its threshold holds.
    case passed
    /// The check ran and its threshold does not hold: the candidate is refused.
    case failed
    /// The check could not or need not run (no champion yet, no float reference, no threshold set); the reason says
    /// which. Never counted as passed: a required check that is not applicable also refuses.
    case notApplicable
}
