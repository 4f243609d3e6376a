import FleetSupport

/// The budgeted sample of inputs kept for retraining.
public struct CaptureSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    /// The budget: samples per hour, refilled continuously, with bursts of up to ``burst``.
    public var maxPerHour: Double
    public var burst: Int
    /// Inputs whose top score is below this qualify as low-confidence.
    public var confidenceBelow: Double
    /// Inputs with at least this share of features in empty or out-of-range baseline bins qualify as drifted.
    public var driftFraction: Double
    /// Probability that any other input qualifies (unbiased sample).
    public var randomRate: Double
    /// Captured samples remembered for joining labels.
    public var remember: Int

    public init(enabled: Bool = true, maxPerHour: Double = 60, burst: Int = 10, confidenceBelow: Double = 0.5,
                driftFraction: Double = 0.25, randomRate: Double = 0.001, remember: Int = 1024) {
        self.enabled = enabled
        self.maxPerHour = maxPerHour
        self.burst = burst
        self.confidenceBelow = confidenceBelow
        self.driftFraction = driftFraction
        self.randomRate = randomRate
        self.remember = remember
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, maxPerHour, burst, confidenceBelow, driftFraction, randomRate, remember
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let d = CaptureSettings()
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
        maxPerHour = try c.decodeIfPresent(Double.self, forKey: .maxPerHour) ?? d.maxPerHour
        burst = try c.decodeIfPresent(Int.self, forKey: .burst) ?? d.burst
        confidenceBelow = try c.decodeIfPresent(Double.self, forKey: .confidenceBelow) ?? d.confidenceBelow
        driftFraction = try c.decodeIfPresent(Double.self, forKey: .driftFraction) ?? d.driftFraction
        randomRate = try c.decodeIfPresent(Double.self, forKey: .randomRate) ?? d.randomRate
        remember = try c.decodeIfPresent(Int.self, forKey: .remember) ?? d.remember
    }
}
