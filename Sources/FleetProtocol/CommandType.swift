/// What a ``Command`` asks for.
public enum CommandType: String, Codable, Sendable {
    /// Install `assignment` (downloads, verifies, health-checks, switches, probation, commit or rollback).
    case assign
    /// Abandon the update in progress if it has not switched yet.
    case cancel
    /// Accept `trustFile`, a newer trust file signed by the pinned root.
    case trust
    /// Capture more inputs for a while (`capture`: a ``CaptureRequest``), e.g. on a cohort that drifted.
    case capture
}
