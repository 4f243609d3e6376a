import FleetSupport

extension RolloutStrategy: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case canaryDevices, canaryPercent, growthFactor, maximumWavePercent, controlPercent, bakeSeconds, maximumBakeExtensions,
             promoteOnCompletion, gates
    }

    /// Missing keys take the defaults; unknown keys are refused, naming the key (a typo must not pass silently).
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RolloutStrategy()
        self.init(canaryDevices: try c.decodeIfPresent(Int.self, forKey: .canaryDevices),
                  canaryPercent: try c.decodeIfPresent(Double.self, forKey: .canaryPercent) ?? d.canaryPercent,
                  growthFactor: try c.decodeIfPresent(Double.self, forKey: .growthFactor) ?? d.growthFactor,
                  maximumWavePercent: try c.decodeIfPresent(Double.self, forKey: .maximumWavePercent) ?? d.maximumWavePercent,
                  controlPercent: try c.decodeIfPresent(Double.self, forKey: .controlPercent) ?? d.controlPercent,
                  bakeSeconds: try c.decodeIfPresent(Double.self, forKey: .bakeSeconds) ?? d.bakeSeconds,
                  maximumBakeExtensions: try c.decodeIfPresent(Int.self, forKey: .maximumBakeExtensions) ?? d.maximumBakeExtensions,
                  promoteOnCompletion: try c.decodeIfPresent(Bool.self, forKey: .promoteOnCompletion) ?? d.promoteOnCompletion,
                  gates: try c.decodeIfPresent(RolloutGatePolicy.self, forKey: .gates) ?? d.gates)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(canaryDevices, forKey: .canaryDevices)
        try c.encode(canaryPercent, forKey: .canaryPercent)
        try c.encode(growthFactor, forKey: .growthFactor)
        try c.encode(maximumWavePercent, forKey: .maximumWavePercent)
        try c.encode(controlPercent, forKey: .controlPercent)
        try c.encode(bakeSeconds, forKey: .bakeSeconds)
        try c.encode(maximumBakeExtensions, forKey: .maximumBakeExtensions)
        try c.encode(promoteOnCompletion, forKey: .promoteOnCompletion)
        try c.encode(gates, forKey: .gates)
    }
}
