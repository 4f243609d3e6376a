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
    /// Return to `assignment`, the version the device served before (the rollout's champion): abandon an update
    /// towards another version that has not switched yet, and switch back to the previous slot if the device
    /// serves something else. Agents older than this command refuse it as an invalid message; the collector's
    /// retries then send the champion as a plain `assign` (docs/fleet-protocol.md, "Rollback").
    case rollback
}
