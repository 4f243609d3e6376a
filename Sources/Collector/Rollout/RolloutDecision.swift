/// One decision of a rollout, with its reason: the audit trail the page and the events show.
public struct RolloutDecision: Codable, Sendable, Equatable {
    /// When it was taken (ms since 1970, collector clock).
    public var at: Int64
    /// The event it is published as, without the `rollout.` prefix: `created`, `wave.started`, `gate.passed`,
    /// `gate.failed`, `gate.inconclusive`, `paused`, `resumed`, `aborted`, `rolled_back`, `completed`, `promoted`.
    public var kind: String
    /// The wave it concerns (0 is the canary), if any.
    public var wave: Int?
    public var reason: String
    /// The gate results behind a gate decision, with the wave's and the control's figures.
    public var gates: [RolloutGateResult]?
    /// Who asked, for operator decisions.
    public var by: String?

    public init(at: Int64, kind: String, wave: Int? = nil, reason: String, gates: [RolloutGateResult]? = nil, by: String? = nil) {
        self.at = at
        self.kind = kind
        self.wave = wave
        self.reason = reason
        self.gates = gates
        self.by = by
    }
}
