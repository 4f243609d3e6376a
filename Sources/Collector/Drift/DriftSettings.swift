import Drift

/// When and how the collector computes drift, with a policy per model.
public struct DriftSettings: Sendable, Equatable {
    /// Whether the scheduled computation runs (on-demand requests work either way).
    public var enabled: Bool
    /// Seconds between scheduled computations.
    public var intervalSeconds: Double
    /// The current window: the last this many minutes of minute rollups.
    public var windowMinutes: Int
    /// The policy of models without their own.
    public var defaultPolicy: DriftPolicy
    /// Policies by model name.
    public var policies: [String: DriftPolicy]

    public init(enabled: Bool = true, intervalSeconds: Double = 300, windowMinutes: Int = 60, defaultPolicy: DriftPolicy = DriftPolicy(),
                policies: [String: DriftPolicy] = [:]) {
        self.enabled = enabled
        self.intervalSeconds = intervalSeconds
        self.windowMinutes = windowMinutes
        self.defaultPolicy = defaultPolicy
        self.policies = policies
    }

    /// The policy that applies to `model`.
    public func policy(for model: String) -> DriftPolicy { policies[model] ?? defaultPolicy }
}
