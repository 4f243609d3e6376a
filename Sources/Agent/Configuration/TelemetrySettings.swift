import FleetSupport

/// How often the agent reports.
public struct TelemetrySettings: Codable, Sendable, Equatable {
    public var intervalSeconds: Double

    public init(intervalSeconds: Double = 10) { self.intervalSeconds = intervalSeconds }

    enum CodingKeys: String, CodingKey, CaseIterable { case intervalSeconds }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        intervalSeconds = try c.decodeIfPresent(Double.self, forKey: .intervalSeconds) ?? 10
    }
}
