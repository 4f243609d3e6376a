/// What an operator (or the learning loop) asks for: roll this blessed version out to this target.
public struct RolloutRequest: Sendable, Equatable {
    public var model: String
    /// A release counter, an alias or `latest` (resolved by the registry).
    public var version: String
    public var target: RolloutTarget
    /// nil: the configured default strategy (`rollouts.strategy`).
    public var strategy: RolloutStrategy?
    /// Who asks (the API token's name, or a component such as `learning-loop`).
    public var createdBy: String

    public init(model: String, version: String, target: RolloutTarget, strategy: RolloutStrategy? = nil, createdBy: String) {
        self.model = model
        self.version = version
        self.target = target
        self.strategy = strategy
        self.createdBy = createdBy
    }
}
