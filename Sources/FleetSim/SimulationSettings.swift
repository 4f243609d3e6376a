import FleetProtocol

/// What a simulated fleet looks like and how hard it pushes.
public struct SimulationSettings: Sendable {
    public var host: String
    public var port: Int
    /// Devices to simulate, named `<prefix>-<index>` from `firstIndex`.
    public var devices: Int
    public var prefix: String
    public var firstIndex: Int
    /// Telemetry reports per second per device (real agents send one every few seconds; load tests send many).
    public var reportsPerSecond: Double
    /// Queued messages published but not yet acknowledged, per device, at most (the agent's `queue.window`).
    public var window: Int
    /// Without acknowledgement progress for this long, the oldest unacknowledged message is published again; each
    /// further resend of the same stall waits twice as long, up to `resendMaximumFactor × resendAfter`, jittered ±25 %.
    public var resendAfter: Duration
    /// The longest resend wait as a multiple of `resendAfter` (``ResendBackoff``).
    public var resendMaximumFactor: Int = 4
    /// Devices start evenly spread over this long (device i of n after `ramp × i / n`): no opening burst of births,
    /// statuses and first reports, and report times spread over the interval instead of arriving in step.
    public var ramp: Duration = .zero
    /// A chunk not received within this long is requested again.
    public var chunkTimeout: Duration
    /// Firmware profiles assigned round-robin.
    public var profiles: [String]
    public var agentVersion: String
    /// The bundle every device starts with; nil for devices without a model.
    public var bundle: BundleReference?
    /// Output classes of the simulated model.
    public var classes: Int
    /// Input features reported per interval (each on 8 bins): most of a report's size.
    public var features: Int
    public var seed: UInt64
    /// Input features from a drift scenario on a bundle's baseline bins (replaces the random `features`).
    public var drift: SimulatedDrift?
    /// Captured samples and their true labels after a delay (needs `drift`, whose scenario gives the ground truth).
    public var oracle: LabellingOracle?
    /// Runs the served bundle's model on the scenario's rows (needs `drift`); without it devices predict the
    /// condition each row indicates, as a perfect model of the undrifted scenario would.
    public var classifier: SimulatedClassifierLoader?
    /// The bytes of `bundle`, for `classifier` to load the model devices start with.
    public var bundleBytes: [UInt8]?
    /// How each release behaves once installed (release counter → behaviour); unlisted releases are `good`.
    public var behaviours: [UInt64: ModelBehaviour]
    /// Devices multiplexed over one MQTT connection (1: each device connects itself, with its own will).
    public var devicesPerConnection: Int = 1
    /// TLS to the broker (CA, client certificates); nil connects in plain TCP.
    public var tls: SimulationTLS?

    public init(host: String = "127.0.0.1", port: Int = 1883, devices: Int = 10, prefix: String = "sim", firstIndex: Int = 0,
                reportsPerSecond: Double = 1, window: Int = 32, resendAfter: Duration = .seconds(5), chunkTimeout: Duration = .seconds(2),
                profiles: [String] = ["rpi-4b-2gb", "rpi-zero-2w", "rpi-5-4gb"], agentVersion: String = "fleet-sim/1",
                bundle: BundleReference? = BundleReference(name: "keyword-spotter", version: "1.0.0",
                                                           digest: String(repeating: "0", count: 63) + "1", releaseCounter: 1),
                classes: Int = 4, features: Int = 0, seed: UInt64 = 1, drift: SimulatedDrift? = nil,
                behaviours: [UInt64: ModelBehaviour] = [:]) {
        self.host = host
        self.port = port
        self.devices = devices
        self.prefix = prefix
        self.firstIndex = firstIndex
        self.reportsPerSecond = reportsPerSecond
        self.window = window
        self.resendAfter = resendAfter
        self.chunkTimeout = chunkTimeout
        self.profiles = profiles
        self.agentVersion = agentVersion
        self.bundle = bundle
        self.classes = classes
        self.features = features
        self.seed = seed
        self.drift = drift
        self.behaviours = behaviours
    }

    /// Checks ranges before anything connects.
    public func validate() throws(FleetSimError) {
        guard devices >= 1, devices <= 100_000 else { throw FleetSimError(.invalidConfiguration, "devices must be within 1…100000") }
        guard reportsPerSecond > 0, reportsPerSecond <= 10_000 else {
            throw FleetSimError(.invalidConfiguration, "reports per second must be within (0, 10000]")
        }
        guard devicesPerConnection >= 1, devicesPerConnection <= 10_000 else {
            throw FleetSimError(.invalidConfiguration, "devices per connection must be within 1…10000")
        }
        try tls?.validate(devicesPerConnection: devicesPerConnection)
        guard ramp >= .zero, ramp <= .seconds(3600) else { throw FleetSimError(.invalidConfiguration, "ramp must be within 0…3600 seconds") }
        guard resendMaximumFactor >= 1 else { throw FleetSimError(.invalidConfiguration, "the resend backoff factor must be at least 1") }
        guard window >= 1 else { throw FleetSimError(.invalidConfiguration, "window must be at least 1") }
        guard classes >= 1, classes <= 1000, features >= 0, features <= 64 else {
            throw FleetSimError(.invalidConfiguration, "classes must be within 1…1000 and features within 0…64")
        }
        do { try FleetProtocol.validateDeviceID("\(prefix)-\(firstIndex + devices - 1)") } catch {
            throw FleetSimError(.invalidConfiguration, error.message)
        }
    }
}
