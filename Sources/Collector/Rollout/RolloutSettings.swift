/// The `rollouts` object of the collector's configuration (defaults in docs/rollouts.md).
public struct RolloutSettings: Sendable, Equatable {
    public var enabled: Bool
    /// How often the engine advances rollouts (bakes, gates, assignments, rollback tracking).
    public var intervalSeconds: Double
    /// Where firmware profiles are read from to decide eligibility (relative paths from the working directory).
    public var profilesDirectory: String
    /// A device not back on the champion this long after its rollback command gets it again, doubling each time.
    public var rollbackRetrySeconds: Double
    /// Rollback commands per device at most (odd attempts send `rollback`, even ones an `assign` of the champion,
    /// which agents without the `rollback` command understand).
    public var maximumRollbackAttempts: Int
    /// A device sent the version that has not reported it installed (serving, committed) or failed this long after
    /// the send gets it again, the wait doubling per send; after `installRetries` resends its install counts as
    /// failed (the install gate) with the reason stored.
    public var installTimeoutSeconds: Double
    public var installRetries: Int
    /// Devices assigned per engine step (the rest follow in the next steps, so an abort waits for one batch only).
    public var assignBatch: Int
    /// The strategy of requests that give none; fields a request omits take these values.
    public var strategy: RolloutStrategy

    public init(enabled: Bool = true, intervalSeconds: Double = 5, profilesDirectory: String = "firmware-profiles",
                rollbackRetrySeconds: Double = 60, maximumRollbackAttempts: Int = 5, installTimeoutSeconds: Double = 300, installRetries: Int = 3,
                assignBatch: Int = 200,
                strategy: RolloutStrategy = RolloutStrategy()) {
        self.enabled = enabled
        self.intervalSeconds = intervalSeconds
        self.profilesDirectory = profilesDirectory
        self.rollbackRetrySeconds = rollbackRetrySeconds
        self.maximumRollbackAttempts = maximumRollbackAttempts
        self.installTimeoutSeconds = installTimeoutSeconds
        self.installRetries = installRetries
        self.assignBatch = assignBatch
        self.strategy = strategy
    }

    public func validate() throws(CollectorError) {
        func check(_ condition: Bool, _ message: String) throws(CollectorError) {
            if !condition { throw CollectorError(.invalidConfiguration, "rollouts.\(message)") }
        }
        try check(intervalSeconds.isFinite && intervalSeconds >= 0.05 && intervalSeconds <= 3600, "intervalSeconds must be within 0.05…3600")
        try check(rollbackRetrySeconds.isFinite && rollbackRetrySeconds >= 0.1, "rollbackRetrySeconds must be at least 0.1")
        try check((1...100).contains(maximumRollbackAttempts), "maximumRollbackAttempts must be within 1…100")
        try check(installTimeoutSeconds.isFinite && installTimeoutSeconds >= 0.1 && installTimeoutSeconds <= 604_800,
                  "installTimeoutSeconds must be within 0.1…604800")
        try check((0...20).contains(installRetries), "installRetries must be within 0…20")
        try check((1...100_000).contains(assignBatch), "assignBatch must be within 1…100000")
        do { try strategy.validate() } catch {
            throw CollectorError(.invalidConfiguration, "rollouts.\(error.message)")
        }
    }
}
