/// Published (through the queue) on every connection: what is running on the device.
public struct Birth: Codable, Sendable, Equatable {
    public var agentVersion: String
    /// The firmware profile ID the device was configured with.
    public var profile: String
    /// The bundle serving now; nil only if the agent has no model.
    public var bundle: BundleReference?
    public var hardware: HardwareInfo
    /// When the agent process started, milliseconds since 1970 UTC.
    public var startedAt: Int64
    /// Seconds between telemetry reports.
    public var telemetryIntervalSeconds: Double
    /// The input source type: `replay`, `socket` or `mqtt`.
    public var input: String

    public init(agentVersion: String, profile: String, bundle: BundleReference?, hardware: HardwareInfo, startedAt: Int64,
                telemetryIntervalSeconds: Double, input: String) {
        self.agentVersion = agentVersion
        self.profile = profile
        self.bundle = bundle
        self.hardware = hardware
        self.startedAt = startedAt
        self.telemetryIntervalSeconds = telemetryIntervalSeconds
        self.input = input
    }
}
