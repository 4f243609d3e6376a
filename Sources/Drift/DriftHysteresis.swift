/// Keeps a drift alarm from flapping when a statistic hovers at its threshold.
///
/// Value type, one per (model, feature) or (model, device, feature); the owner feeds it each window's result in
/// order. It enters drift when a window's verdict is `drift` (significant, score ≥ 1). It leaves drift only after
/// `clearWindows` consecutive clean windows, a clean window being one whose score is below `clearScore` or whose
/// adjusted p-value is not significant. Windows with insufficient data change nothing.
public struct DriftHysteresis: Codable, Equatable, Sendable {
    /// Whether the alarm is raised.
    public private(set) var isDrifting = false
    /// Consecutive clean windows seen while drifting.
    public private(set) var cleanStreak = 0
    /// Score below which a window counts as clean (< 1 so that a score just under the threshold keeps the alarm).
    public var clearScore: Double
    /// Clean windows needed to clear.
    public var clearWindows: Int

    /// A cleared state with the policy's hysteresis settings.
    public init(policy: DriftPolicy = DriftPolicy()) {
        clearScore = policy.clearScore
        clearWindows = policy.clearWindows
    }

    /// A cleared state with explicit settings.
    public init(clearScore: Double, clearWindows: Int) {
        self.clearScore = clearScore
        self.clearWindows = max(1, clearWindows)
    }

    /// Feeds one window: its verdict, score (see `FeatureDrift.score`) and whether its adjusted p-value was significant.
    /// - Returns: whether the alarm is raised after this window.
    @discardableResult
    public mutating func update(verdict: DriftVerdict, score: Double, significant: Bool) -> Bool {
        if verdict == .insufficientData { return isDrifting }
        if !isDrifting {
            if verdict == .drift {
                isDrifting = true
                cleanStreak = 0
            }
            return isDrifting
        }
        if score < clearScore || !significant {
            cleanStreak += 1
            if cleanStreak >= clearWindows {
                isDrifting = false
                cleanStreak = 0
            }
        } else {
            cleanStreak = 0
        }
        return isDrifting
    }

    /// Feeds one feature's window result.
    @discardableResult
    public mutating func update(_ feature: FeatureDrift, alpha: Double) -> Bool {
        update(verdict: feature.verdict, score: feature.score, significant: feature.adjustedPValue < alpha)
    }
}
