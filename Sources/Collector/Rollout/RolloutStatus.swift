/// Where a rollout is in its life.
public enum RolloutStatus: String, Codable, Sendable, Equatable {
    /// A wave is assigned and baking.
    case running
    /// Waiting for an operator (an inconclusive gate past its extensions, or a request).
    case paused
    /// Aborted: rollback commands are out, waiting for every exposed device to report the champion again.
    case rollingBack
    /// Every exposed device is back on the champion.
    case rolledBack
    /// Every wave passed (or an operator promoted it).
    case completed

    /// Whether the rollout still holds its devices.
    public var isActive: Bool { self == .running || self == .paused || self == .rollingBack }
}
