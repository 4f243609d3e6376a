/// One stored telemetry report: its position in the device's stream and its headline figures.
public struct TelemetryRecord: Codable, Sendable, Equatable {
    public var deviceID: String
    public var stream: String
    public var seq: UInt64
    /// The envelope's device time and the collector's receive time, ms since 1970.
    public var time: Int64
    public var receivedAt: Int64
    public var intervalStart: Int64
    public var intervalEnd: Int64
    public var model: String?
    public var bundleDigest: String?
    public var inferences: UInt64
    public var errors: UInt64
    public var droppedInputs: UInt64
    public var throughput: Double
    public var latencyP50Micros: UInt64
    public var latencyP95Micros: UInt64
    public var latencyP99Micros: UInt64
    public var latencyMaxMicros: UInt64
    public var cpuCores: Double
    public var rssBytes: UInt64
    public var temperatureCelsius: Double?
    public var queueDepth: Int
    /// Count of each predicted class.
    public var predictions: [UInt64]

    public init(deviceID: String, stream: String, seq: UInt64, time: Int64, receivedAt: Int64, intervalStart: Int64, intervalEnd: Int64,
                model: String?, bundleDigest: String?, inferences: UInt64, errors: UInt64, droppedInputs: UInt64, throughput: Double,
                latencyP50Micros: UInt64, latencyP95Micros: UInt64, latencyP99Micros: UInt64, latencyMaxMicros: UInt64,
                cpuCores: Double, rssBytes: UInt64, temperatureCelsius: Double?, queueDepth: Int, predictions: [UInt64]) {
        self.deviceID = deviceID
        self.stream = stream
        self.seq = seq
        self.time = time
        self.receivedAt = receivedAt
        self.intervalStart = intervalStart
        self.intervalEnd = intervalEnd
        self.model = model
        self.bundleDigest = bundleDigest
        self.inferences = inferences
        self.errors = errors
        self.droppedInputs = droppedInputs
        self.throughput = throughput
        self.latencyP50Micros = latencyP50Micros
        self.latencyP95Micros = latencyP95Micros
        self.latencyP99Micros = latencyP99Micros
        self.latencyMaxMicros = latencyMaxMicros
        self.cpuCores = cpuCores
        self.rssBytes = rssBytes
        self.temperatureCelsius = temperatureCelsius
        self.queueDepth = queueDepth
        self.predictions = predictions
    }
}
