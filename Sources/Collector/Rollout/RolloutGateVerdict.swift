/// The outcome of one gate, or of all the gates of a wave.
public enum RolloutGateVerdict: String, Codable, Sendable, Equatable {
    case pass
    case fail
    /// Too little data to judge (below the minimum sample, or devices not reporting): extend the bake, then pause.
    case inconclusive
}
