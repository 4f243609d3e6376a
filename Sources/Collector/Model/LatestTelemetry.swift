/// The headline figures of a device's newest telemetry report, kept on the device for the fleet table.
public struct LatestTelemetry: Codable, Sendable, Equatable {
    /// The report's interval end (ms since 1970; the collector's clock when the device's is not plausible).
    public var at: Int64
    public var latencyP50Micros: UInt64
    public var latencyP95Micros: UInt64
    public var throughput: Double
    public var inferences: UInt64
    public var errors: UInt64
    public var cpuCores: Double
    public var temperatureCelsius: Double?
    public var rssBytes: UInt64
    public var queueDepth: Int

    public init(at: Int64, latencyP50Micros: UInt64, latencyP95Micros: UInt64, throughput: Double, inferences: UInt64, errors: UInt64,
                cpuCores: Double, temperatureCelsius: Double?, rssBytes: UInt64, queueDepth: Int) {
        self.at = at
        self.latencyP50Micros = latencyP50Micros
        self.latencyP95Micros = latencyP95Micros
        self.throughput = throughput
        self.inferences = inferences
        self.errors = errors
        self.cpuCores = cpuCores
        self.temperatureCelsius = temperatureCelsius
        self.rssBytes = rssBytes
        self.queueDepth = queueDepth
    }
}
