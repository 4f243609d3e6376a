import Drift
import FleetSupport

extension DriftSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case enabled, intervalSeconds, windowMinutes, defaultPolicy, policies }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DriftSettings()
        self.init(enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled,
                  intervalSeconds: try c.decodeIfPresent(Double.self, forKey: .intervalSeconds) ?? d.intervalSeconds,
                  windowMinutes: try c.decodeIfPresent(Int.self, forKey: .windowMinutes) ?? d.windowMinutes,
                  defaultPolicy: try c.decodeIfPresent(DriftPolicy.self, forKey: .defaultPolicy) ?? d.defaultPolicy,
                  policies: try c.decodeIfPresent([String: DriftPolicy].self, forKey: .policies) ?? [:])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(intervalSeconds, forKey: .intervalSeconds)
        try c.encode(windowMinutes, forKey: .windowMinutes)
        try c.encode(defaultPolicy, forKey: .defaultPolicy)
        try c.encode(policies, forKey: .policies)
    }
}
