/// What the agent does about its board's temperature (`ResourceUsage.thermalState`); an open set, like ``EventName``.
///
/// `normal` runs at the configured rate; `throttling` (above the profile's `throttleCelsius`) lowers the agent's own
/// load; `paused` (above `criticalCelsius`) stops inference until the board cools below the hysteresis band.
public struct ThermalState: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// Encoded as this bare string: the standard library's `Codable` for `RawRepresentable` string types.
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static let normal = ThermalState(rawValue: "normal")
    public static let throttling = ThermalState(rawValue: "throttling")
    public static let paused = ThermalState(rawValue: "paused")
}
