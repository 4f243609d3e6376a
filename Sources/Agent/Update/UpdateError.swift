/// Why an over-the-air update stopped; the code is reported in `update.phase` events.
public struct UpdateError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The assignment command is malformed or out of range.
        case invalidAssignment
        /// The download missed its deadline (announced size at `update.downloadMinimumBytesPerSecond`, plus
        /// `update.downloadGraceSeconds`) or stalled (no chunk for `update.downloadStallSeconds`).
        case downloadTimeout
        /// The source sent chunks the announced size rules out (past the last chunk, or larger than their place
        /// in the bundle) beyond the tolerated few; nothing beyond the announced size was written.
        case excessData
        /// The downloaded file's SHA-256 differs from the assignment's digest (after the allowed retries).
        case digestMismatch
        /// The bundle was refused by verification (the message carries the bundle error's code).
        case verification
        /// The manifest does not name the model and version the assignment announced.
        case assignmentMismatch
        /// Writing the slot failed.
        case install
        /// The candidate failed its golden cases, latency or memory budget.
        case healthCheck
        /// The candidate disagreed with the serving model too often in shadow mode.
        case agreement
        /// Errors or latency during probation exceeded the limits.
        case probation
        /// The agent restarted while the candidate was serving on probation.
        case restartedDuringProbation
        /// Replaced by a newer assignment, or cancelled by command.
        case cancelled
        /// The inference loop stopped before the switch could happen.
        case stopped
        /// An outcome the current phase cannot produce (a programming error; the persisted state is unchanged).
        case invalidTransition
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
