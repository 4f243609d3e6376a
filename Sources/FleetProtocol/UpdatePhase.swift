/// The phases of an over-the-air update, in order; persisted by the device before it acts on each.
///
/// `committed`, `rolledBack` and `failed` are terminal. A device that restarts resumes from the phase it
/// persisted (docs/agent.md: the update state machine).
public enum UpdatePhase: String, Codable, Sendable, CaseIterable {
    /// The assignment is recorded; chunks are being fetched (resumable).
    case downloading
    /// The file's digest matched; signatures, trust, anti-rollback and profile fit are being checked.
    case verifying
    /// Writing the verified bundle to its slot (temporary file, fsync, rename, fsync directory).
    case installing
    /// Loading the candidate from its slot and running its golden cases, latency and memory checks.
    case healthCheck
    /// Running beside the serving model on live inputs, measuring agreement.
    case shadow
    /// Switching the serving model between two inferences; the `active` pointer moves.
    case switching
    /// Serving with the candidate while watching error rate and latency.
    case probation
    /// Raising the anti-rollback floor to the candidate's release counter.
    case committing
    /// Done: the candidate serves and older bundles can no longer be installed.
    case committed
    /// Switching back to the previous model.
    case rollingBack
    /// Done: the previous model serves again.
    case rolledBack
    /// Done: refused before the switch (download, verification, health check); the serving model never changed.
    case failed

    /// True for the phases an update ends in.
    public var isTerminal: Bool { self == .committed || self == .rolledBack || self == .failed }
}
