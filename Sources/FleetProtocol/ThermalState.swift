/// What the agent does about its board's temperature (`ResourceUsage.thermalState`); an open set, like ``EventName``.
///
/// `normal` runs at the configured rate; `throttling` (above the profile's `throttleCelsius`) lowers the agent's own
/// load; `paused` (above `criticalCelsius`) stops inference until the board cools below the hysteresis band.
public struct ThermalState: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static let normal = ThermalState(rawValue: "normal")
    public static let throttling = ThermalState(rawValue: "throttling")
    public static let paused = ThermalState(rawValue: "paused")
}
