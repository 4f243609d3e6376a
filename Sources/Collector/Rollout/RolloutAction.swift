/// What the rollout engine must do after a transition of ``RolloutStateMachine``; the machine does no I/O.
public enum RolloutAction: Sendable, Equatable {
    /// Assign the version to these devices (each at most once: the engine skips devices it already assigned).
    case assign([String])
    /// Judge the gates of `wave` against the control over `from ..< to` and report with `gatesEvaluated`.
    case evaluateGates(wave: Int, from: Int64, to: Int64)
    /// Send rollback commands to these devices.
    case rollback([String])
    /// Move the `champion` alias to the rollout's version.
    case promote
}
