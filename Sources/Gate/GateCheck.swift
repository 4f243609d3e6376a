/// One check of the blessing gate: what was measured, against which threshold, and why it passed or not.
public struct GateCheck: Codable, Sendable, Equatable {
    /// Stable identifier, e.g. `min_accuracy`, `regression_accuracy`, `profile:rpi-zero-2w`.
    public var id: String
    public var kind: GateCheckKind
    public var status: GateCheckStatus
    /// Whether a `notApplicable` outcome refuses the candidate (a failure always does).
    public var required: Bool
    /// The measured value (accuracy, difference to the champion, agreement, estimated latency in ms); nil when the
    /// check did not run.
    public var measured: Double?
    /// The bound `measured` is compared with; nil when there is none.
    public var threshold: Double?
    /// How `measured` is compared with `threshold`: `>=`, `>` or `<=`.
    public var comparison: String?
    /// A sentence a person can act on: the figures, the bound, and what failed or why the check did not run.
    public var reason: String

    public init(id: String, kind: GateCheckKind, status: GateCheckStatus, required: Bool, measured: Double? = nil,
                threshold: Double? = nil, comparison: String? = nil, reason: String) {
        self.id = id
        self.kind = kind
        self.status = status
        self.required = required
        self.measured = measured
        self.threshold = threshold
        self.comparison = comparison
        self.reason = reason
    }

    /// True when this check keeps the candidate from being blessed.
    public var blocks: Bool { status == .failed || (required && status == .notApplicable) }
}
