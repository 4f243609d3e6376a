import FleetSupport

extension RolloutSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, intervalSeconds, profilesDirectory, rollbackRetrySeconds, maximumRollbackAttempts, installTimeoutSeconds, installRetries,
             assignBatch, strategy
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RolloutSettings()
        self.init(enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled,
                  intervalSeconds: try c.decodeIfPresent(Double.self, forKey: .intervalSeconds) ?? d.intervalSeconds,
                  profilesDirectory: try c.decodeIfPresent(String.self, forKey: .profilesDirectory) ?? d.profilesDirectory,
                  rollbackRetrySeconds: try c.decodeIfPresent(Double.self, forKey: .rollbackRetrySeconds) ?? d.rollbackRetrySeconds,
                  maximumRollbackAttempts: try c.decodeIfPresent(Int.self, forKey: .maximumRollbackAttempts) ?? d.maximumRollbackAttempts,
                  installTimeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .installTimeoutSeconds) ?? d.installTimeoutSeconds,
                  installRetries: try c.decodeIfPresent(Int.self, forKey: .installRetries) ?? d.installRetries,
                  assignBatch: try c.decodeIfPresent(Int.self, forKey: .assignBatch) ?? d.assignBatch,
                  strategy: try c.decodeIfPresent(RolloutStrategy.self, forKey: .strategy) ?? d.strategy)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(intervalSeconds, forKey: .intervalSeconds)
        try c.encode(profilesDirectory, forKey: .profilesDirectory)
        try c.encode(rollbackRetrySeconds, forKey: .rollbackRetrySeconds)
        try c.encode(maximumRollbackAttempts, forKey: .maximumRollbackAttempts)
        try c.encode(installTimeoutSeconds, forKey: .installTimeoutSeconds)
        try c.encode(installRetries, forKey: .installRetries)
        try c.encode(assignBatch, forKey: .assignBatch)
        try c.encode(strategy, forKey: .strategy)
    }
}
