/// The agent process and the board at the end of an interval; nil where the board does not tell.
public struct ResourceUsage: Codable, Sendable, Equatable {
    /// Resident set size of the agent process.
    public var rssBytes: UInt64
    /// CPU time (user + system) the agent used during the interval, as a share of one core (1.0 = one core busy).
    public var cpuCores: Double
    /// The SoC temperature (`/sys/class/thermal/thermal_zone0/temp`).
    public var temperatureCelsius: Double?
    /// The firmware's throttling bits (`vcgencmd get_throttled`): bit 0 under-voltage, 1 frequency capped,
    /// 2 throttled, 3 soft temperature limit; bits 16–19 the same since boot.
    public var throttled: UInt32?
    /// What the agent itself does about the temperature (its own throttling, docs/agent.md); nil when its sensor
    /// is missing or the sender predates it.
    public var thermalState: ThermalState?

    public init(rssBytes: UInt64, cpuCores: Double, temperatureCelsius: Double?, throttled: UInt32?, thermalState: ThermalState? = nil) {
        self.rssBytes = rssBytes
        self.cpuCores = cpuCores
        self.temperatureCelsius = temperatureCelsius
        self.throttled = throttled
        self.thermalState = thermalState
    }
}
