import Bundles

extension UpdateSettings {
    /// The latency a model with `macs` may take: the configured budget, or four times the profile's estimate,
    /// at least 50 ms (estimates are rough; the budget is meant to catch models far too heavy for the board).
    public func latencyBudget(profile: FirmwareProfile, macs: Int) -> Duration {
        if let latencyBudgetMilliseconds { return .microseconds(Int64(latencyBudgetMilliseconds * 1000)) }
        let estimate = profile.estimatedLatencySeconds(macs: macs)
        return .microseconds(Int64(max(4 * estimate, 0.05) * 1_000_000))
    }
}
