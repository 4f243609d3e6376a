import FleetProtocol

/// The persisted state of the current (or last) update: `update.json` in the state directory.
///
/// Written atomically before the agent acts on each phase, so a restart resumes from the phase it had
/// committed to: see ``UpdateService``.
public struct UpdateRecord: Codable, Sendable, Equatable {
    public var assignment: Assignment
    public var phase: UpdatePhase
    /// The digest serving when the update started: what a rollback returns to.
    public var previousDigest: String?
    /// Known once verified.
    public var target: BundleReference
    /// Downloads retried after a digest mismatch.
    public var attempts: Int
    public var error: ErrorInfo?
    /// Milliseconds since 1970 of the last transition.
    public var updatedAt: Int64
    /// Set when a graceful shutdown interrupted probation: the next start resumes probation instead of rolling
    /// back (a crash or SIGKILL during probation leaves it unset, and the candidate is rolled back).
    public var interrupted: Bool?

    public init(assignment: Assignment, phase: UpdatePhase, previousDigest: String?, target: BundleReference,
                attempts: Int = 0, error: ErrorInfo? = nil, updatedAt: Int64) {
        self.assignment = assignment
        self.phase = phase
        self.previousDigest = previousDigest
        self.target = target
        self.attempts = attempts
        self.error = error
        self.updatedAt = updatedAt
    }
}
