/// The kinds of ``DeviceEvent``; new names may be added within a protocol version.
public struct EventName: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// Encoded as this bare string: the standard library's `Codable` for `RawRepresentable` string types.
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// The agent started and loaded its serving model (details: `bundle`, `source`).
    public static let agentStarted = EventName(rawValue: "agent.started")
    /// The agent is stopping on request (SIGTERM).
    public static let agentStopping = EventName(rawValue: "agent.stopping")
    /// An update moved to a new phase (`update` is set).
    public static let updatePhase = EventName(rawValue: "update.phase")
    /// The active slot could not be loaded at start-up and another model serves (`error` says why).
    public static let modelFallback = EventName(rawValue: "model.fallback")
    /// A command could not be decoded or applied (`error` says why).
    public static let commandRejected = EventName(rawValue: "command.rejected")
    /// A new trust file was accepted (details: `version`).
    public static let trustUpdated = EventName(rawValue: "trust.updated")
    /// A `capture` command raised the capture rate (details: `command`, `randomRate`, `maxPerHour`, `durationSeconds`).
    public static let captureRaised = EventName(rawValue: "capture.raised")
    /// The board passed the profile's `throttleCelsius`: the agent lowers its own load (details: `temperature`, `limit`,
    /// `frameIntervalMilliseconds`).
    public static let thermalThrottling = EventName(rawValue: "thermal.throttling")
    /// The board passed the profile's `criticalCelsius`: the agent pauses inference (details: `temperature`, `limit`).
    public static let thermalCritical = EventName(rawValue: "thermal.critical")
    /// The board cooled below the hysteresis band: the agent runs at its configured rate again (details: `temperature`, `from`).
    public static let thermalNormal = EventName(rawValue: "thermal.normal")
    /// The temperature sensor cannot be read: the agent runs unthrottled (details: `path`); raised once per outage.
    public static let thermalSensorMissing = EventName(rawValue: "thermal.sensor_missing")
}
