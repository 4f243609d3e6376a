/// One gate's verdict with the figures it compared and why, stored with the rollout's decision.
public struct RolloutGateResult: Codable, Sendable, Equatable {
    /// `install`, `errors`, `latency`, `shadow`, `predictions`, `confidence`, `health`, `reporting`.
    public var gate: String
    public var verdict: RolloutGateVerdict
    /// The wave's and the control's figure (nil when not measured).
    public var wave: Double?
    public var control: Double?
    /// The limit the figure was held to.
    public var threshold: Double?
    public var reason: String

    public init(gate: String, verdict: RolloutGateVerdict, wave: Double?, control: Double?, threshold: Double?, reason: String) {
        self.gate = gate
        self.verdict = verdict
        self.wave = wave
        self.control = control
        self.threshold = threshold
        self.reason = reason
    }
}
