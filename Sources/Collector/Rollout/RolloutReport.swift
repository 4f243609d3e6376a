import FleetProtocol

/// One stored telemetry report of a device, as the rollout gates read it.
public struct RolloutReport: Sendable, Equatable {
    public var deviceID: String
    /// When the collector placed it (ms since 1970).
    public var at: Int64
    public var report: TelemetryReport

    public init(deviceID: String, at: Int64, report: TelemetryReport) {
        self.deviceID = deviceID
        self.at = at
        self.report = report
    }
}
