import FleetSupport

/// Everything the agent is told at start-up: one JSON file plus command-line overrides (docs/agent.md).
///
/// Decoding fills defaults and refuses unknown keys; ``validate()`` then checks ranges and that the files named
/// exist, so a bad configuration fails at start-up naming the key and the reason.
public struct AgentConfiguration: Codable, Sendable, Equatable {
    /// The device's ID in topics and on the collector: 1–64 of `A–Z a–z 0–9 . _ -`.
    public var deviceID: String
    public var broker: BrokerSettings
    /// A firmware profile ID (looked up in ``profileDirectory``) or a path to a profile JSON file.
    public var profile: String
    public var profileDirectory: String
    /// Slots, pointers, update state, the telemetry queue and downloads live here.
    public var stateDirectory: String
    /// The pinned root public key (base64 of 32 bytes, the `root.pub` of `edgectl keys init`).
    public var trustedRootKey: String
    /// The trust file to start from when the state directory has none yet.
    public var trustFile: String?
    /// The factory bundle installed when the state directory has no active model yet.
    public var initialBundle: String?
    public var input: InputSettings
    public var output: OutputSettings
    public var telemetry: TelemetrySettings
    public var queue: QueueSettings
    public var capture: CaptureSettings
    public var update: UpdateSettings
    public var thermal: ThermalSettings
    /// swift-log level name: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String

    public init(deviceID: String, broker: BrokerSettings, profile: String, profileDirectory: String = "/usr/share/edge-agent/firmware-profiles",
                stateDirectory: String = "/var/lib/edge-agent", trustedRootKey: String, trustFile: String? = nil,
                initialBundle: String? = nil, input: InputSettings, output: OutputSettings = OutputSettings(),
                telemetry: TelemetrySettings = TelemetrySettings(), queue: QueueSettings = QueueSettings(),
                capture: CaptureSettings = CaptureSettings(), update: UpdateSettings = UpdateSettings(), thermal: ThermalSettings = ThermalSettings(),
                logLevel: String = "info") {
        self.deviceID = deviceID
        self.broker = broker
        self.profile = profile
        self.profileDirectory = profileDirectory
        self.stateDirectory = stateDirectory
        self.trustedRootKey = trustedRootKey
        self.trustFile = trustFile
        self.initialBundle = initialBundle
        self.input = input
        self.output = output
        self.telemetry = telemetry
        self.queue = queue
        self.capture = capture
        self.update = update
        self.thermal = thermal
        self.logLevel = logLevel
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case deviceID, broker, profile, profileDirectory, stateDirectory, trustedRootKey, trustFile, initialBundle
        case input, output, telemetry, queue, capture, update, thermal, logLevel
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        deviceID = try c.decode(String.self, forKey: .deviceID)
        broker = try c.decode(BrokerSettings.self, forKey: .broker)
        profile = try c.decode(String.self, forKey: .profile)
        profileDirectory = try c.decodeIfPresent(String.self, forKey: .profileDirectory) ?? "/usr/share/edge-agent/firmware-profiles"
        stateDirectory = try c.decodeIfPresent(String.self, forKey: .stateDirectory) ?? "/var/lib/edge-agent"
        trustedRootKey = try c.decode(String.self, forKey: .trustedRootKey)
        trustFile = try c.decodeIfPresent(String.self, forKey: .trustFile)
        initialBundle = try c.decodeIfPresent(String.self, forKey: .initialBundle)
        input = try c.decode(InputSettings.self, forKey: .input)
        output = try c.decodeIfPresent(OutputSettings.self, forKey: .output) ?? OutputSettings()
        telemetry = try c.decodeIfPresent(TelemetrySettings.self, forKey: .telemetry) ?? TelemetrySettings()
        queue = try c.decodeIfPresent(QueueSettings.self, forKey: .queue) ?? QueueSettings()
        capture = try c.decodeIfPresent(CaptureSettings.self, forKey: .capture) ?? CaptureSettings()
        update = try c.decodeIfPresent(UpdateSettings.self, forKey: .update) ?? UpdateSettings()
        thermal = try c.decodeIfPresent(ThermalSettings.self, forKey: .thermal) ?? ThermalSettings()
        logLevel = try c.decodeIfPresent(String.self, forKey: .logLevel) ?? "info"
    }
}
