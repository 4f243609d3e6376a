/// Per-device install and rollback tracking of a rollout, persisted with it (so a restarted collector continues the
/// retries where they were): when the version went out and how often, which installs finished, and the devices
/// that never answered after every retry, each with its reason.
///
/// A plain value; ``RolloutStateMachine`` decides what is due from it (`installsDue`, `rollbackTimeoutsDue`).
public struct RolloutInstallTracking: Codable, Sendable, Equatable {
    /// Sends of the rollout's assignment per device (1 = the first send, then one per retry).
    public var attempts: [String: Int]
    /// When the last send went out (collector clock, ms since 1970).
    public var sentAt: [String: Int64]
    /// Devices whose install finished: serving the version (probation or committed), failed or rolled back.
    public var finished: [String]
    /// Devices that did not finish after every retry: install failures for the install gate, with the reason.
    public var timedOut: [String: String]
    /// Exposed devices that never acknowledged a rollback after every attempt, with the reason (still tracked: a
    /// device that returns later is counted back).
    public var rollbackTimedOut: [String: String]

    public init(attempts: [String: Int] = [:], sentAt: [String: Int64] = [:], finished: [String] = [], timedOut: [String: String] = [:],
                rollbackTimedOut: [String: String] = [:]) {
        self.attempts = attempts
        self.sentAt = sentAt
        self.finished = finished
        self.timedOut = timedOut
        self.rollbackTimedOut = rollbackTimedOut
    }
}
