import FleetSupport

/// How the agent respects its board's thermal limits (docs/agent.md, "Thermal limits").
///
/// The limits come from the firmware profile (`thermal.throttleCelsius`, `thermal.criticalCelsius`) unless overridden
/// here; above the first the agent spaces its frames `throttledFrameIntervalMilliseconds` apart, above the second it
/// pauses inference, and it returns to the calmer state only `hysteresisCelsius` below the limit it crossed.
public struct ThermalSettings: Codable, Sendable, Equatable {
    /// The sensor: a sysfs file holding millidegrees Celsius (the SoC's zone on a Raspberry Pi).
    public var sensorPath: String
    /// How often the sensor is read.
    public var pollSeconds: Double
    /// How far below a limit the board must cool before the agent leaves the state that limit put it in.
    public var hysteresisCelsius: Double
    /// While throttling, at least this long between two inferences (frames that arrive meanwhile wait or drop).
    public var throttledFrameIntervalMilliseconds: Double
    /// Overrides the profile's `thermal.throttleCelsius`.
    public var throttleCelsius: Double?
    /// Overrides the profile's `thermal.criticalCelsius`.
    public var criticalCelsius: Double?

    public init(sensorPath: String = "/sys/class/thermal/thermal_zone0/temp", pollSeconds: Double = 2, hysteresisCelsius: Double = 5,
                throttledFrameIntervalMilliseconds: Double = 500, throttleCelsius: Double? = nil, criticalCelsius: Double? = nil) {
        self.sensorPath = sensorPath
        self.pollSeconds = pollSeconds
        self.hysteresisCelsius = hysteresisCelsius
        self.throttledFrameIntervalMilliseconds = throttledFrameIntervalMilliseconds
        self.throttleCelsius = throttleCelsius
        self.criticalCelsius = criticalCelsius
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sensorPath, pollSeconds, hysteresisCelsius, throttledFrameIntervalMilliseconds, throttleCelsius, criticalCelsius
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let defaults = ThermalSettings()
        sensorPath = try c.decodeIfPresent(String.self, forKey: .sensorPath) ?? defaults.sensorPath
        pollSeconds = try c.decodeIfPresent(Double.self, forKey: .pollSeconds) ?? defaults.pollSeconds
        hysteresisCelsius = try c.decodeIfPresent(Double.self, forKey: .hysteresisCelsius) ?? defaults.hysteresisCelsius
        throttledFrameIntervalMilliseconds = try c.decodeIfPresent(Double.self, forKey: .throttledFrameIntervalMilliseconds)
            ?? defaults.throttledFrameIntervalMilliseconds
        throttleCelsius = try c.decodeIfPresent(Double.self, forKey: .throttleCelsius)
        criticalCelsius = try c.decodeIfPresent(Double.self, forKey: .criticalCelsius)
    }
}
