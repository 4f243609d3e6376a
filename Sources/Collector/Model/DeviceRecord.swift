import FleetProtocol

/// A device as the fleet registry knows it: identity, what it runs, whether it is online, labels.
public struct DeviceRecord: Codable, Sendable, Equatable {
    public var id: String
    /// The firmware profile from the device's latest birth message.
    public var profile: String?
    public var agentVersion: String?
    public var hardware: HardwareInfo?
    /// The input source type from the latest birth (`replay`, `socket`, `mqtt`).
    public var input: String?
    public var telemetryIntervalSeconds: Double?
    /// The bundle serving now, as the device last reported it.
    public var currentBundle: BundleReference?
    /// The bundle that served before the current one.
    public var previousBundle: BundleReference?
    public var online: Bool
    /// Why the device went offline (`shutdown`, `lost`), nil while online.
    public var statusReason: String?
    /// When the online state last changed (collector clock, ms since 1970).
    public var statusChangedAt: Int64?
    /// When any message of the device was first and last stored (collector clock, ms since 1970).
    public var firstSeenAt: Int64
    public var lastSeenAt: Int64
    /// When the agent process started, from the birth message (device clock).
    public var startedAt: Int64?
    /// Labels set through the API, sorted.
    public var tags: [String]
    public var groups: [String]
    /// Figures of the newest telemetry report; nil before the first.
    public var latest: LatestTelemetry?

    public init(id: String, profile: String? = nil, agentVersion: String? = nil, hardware: HardwareInfo? = nil, input: String? = nil,
                telemetryIntervalSeconds: Double? = nil, currentBundle: BundleReference? = nil, previousBundle: BundleReference? = nil,
                online: Bool = false, statusReason: String? = nil, statusChangedAt: Int64? = nil, firstSeenAt: Int64, lastSeenAt: Int64,
                startedAt: Int64? = nil, tags: [String] = [], groups: [String] = [], latest: LatestTelemetry? = nil) {
        self.id = id
        self.profile = profile
        self.agentVersion = agentVersion
        self.hardware = hardware
        self.input = input
        self.telemetryIntervalSeconds = telemetryIntervalSeconds
        self.currentBundle = currentBundle
        self.previousBundle = previousBundle
        self.online = online
        self.statusReason = statusReason
        self.statusChangedAt = statusChangedAt
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.startedAt = startedAt
        self.tags = tags
        self.groups = groups
        self.latest = latest
    }
}
