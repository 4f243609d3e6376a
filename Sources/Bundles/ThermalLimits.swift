/// The temperatures at which the board's firmware slows the CPU down.
public struct ThermalLimits: Codable, Sendable, Equatable {
    /// SoC temperature where the firmware starts reducing the clock.
    public var throttleCelsius: Double
    /// Temperature where the firmware clamps to its lowest clock; the agent should pause inference before it.
    public var criticalCelsius: Double
    public var notes: String

    public init(throttleCelsius: Double, criticalCelsius: Double, notes: String) {
        self.throttleCelsius = throttleCelsius
        self.criticalCelsius = criticalCelsius
        self.notes = notes
    }
}
