/// What a group of devices (a wave or the control) did over one period: the input of the gates.
public struct RolloutGateSample: Codable, Sendable, Equatable {
    /// Devices in the group, and how many of them reported telemetry in the period.
    public var devices: Int
    public var reportingDevices: Int
    public var inferences: UInt64
    public var errors: UInt64
    /// Latency p95 over every inference of the period (µs), nil without telemetry.
    public var latencyP95Micros: Double?
    /// Count of each predicted class, and of the top score per confidence bin (10 bins over 0…1).
    public var predictions: [UInt64]
    public var confidence: [UInt64]
    /// Installs that finished (`committed`) and that failed or rolled back (the wave only).
    public var installsSucceeded: Int
    public var installsFailed: Int
    /// Shadow agreement with the champion, when reported.
    public var shadowAgreement: Double?
    public var maximumTemperatureCelsius: Double?
    /// Latency p95 per reporting device: the latency gate compares each device with itself before the wave.
    public var deviceLatencyP95Micros: [String: Double]
    /// Predicted-class counts per reporting device: the distribution gate compares each device with itself before.
    public var devicePredictions: [String: [UInt64]]
    /// Agent restarts of the group's devices in the period (births of a process started in the period) and the
    /// device-hours the period covers (devices × its length): the health gate compares restarts per device-hour.
    public var restarts: Int
    public var deviceHours: Double
    /// Reporting devices that sent their firmware throttling bits, and those of them with a current bit (0–3) set in
    /// any report of the period: the health gate compares the share throttling.
    public var throttleReportingDevices: Int
    public var throttledDevices: Int
    /// The p95 of the agents' resident set size over the period's reports (bytes), nil without a measurement.
    public var memoryP95Bytes: Double?
    /// Memory the new version is expected to add (the wave only): its arena and weights, which an agent in probation
    /// holds beside the champion's. The memory signal judges the growth beyond it.
    public var expectedMemoryIncreaseBytes: Double

    public init(devices: Int, reportingDevices: Int, inferences: UInt64, errors: UInt64, latencyP95Micros: Double?, predictions: [UInt64],
                confidence: [UInt64], installsSucceeded: Int = 0, installsFailed: Int = 0, shadowAgreement: Double? = nil,
                maximumTemperatureCelsius: Double? = nil, deviceLatencyP95Micros: [String: Double] = [:],
                devicePredictions: [String: [UInt64]] = [:], restarts: Int = 0, deviceHours: Double = 0, throttleReportingDevices: Int = 0,
                throttledDevices: Int = 0, memoryP95Bytes: Double? = nil, expectedMemoryIncreaseBytes: Double = 0) {
        self.devices = devices
        self.reportingDevices = reportingDevices
        self.inferences = inferences
        self.errors = errors
        self.latencyP95Micros = latencyP95Micros
        self.predictions = predictions
        self.confidence = confidence
        self.installsSucceeded = installsSucceeded
        self.installsFailed = installsFailed
        self.shadowAgreement = shadowAgreement
        self.maximumTemperatureCelsius = maximumTemperatureCelsius
        self.deviceLatencyP95Micros = deviceLatencyP95Micros
        self.devicePredictions = devicePredictions
        self.restarts = restarts
        self.deviceHours = deviceHours
        self.throttleReportingDevices = throttleReportingDevices
        self.throttledDevices = throttledDevices
        self.memoryP95Bytes = memoryP95Bytes
        self.expectedMemoryIncreaseBytes = expectedMemoryIncreaseBytes
    }

    /// Restarts per device-hour, nil when the period covers no device-hours.
    public var restartRate: Double? { deviceHours > 0 ? Double(restarts) / deviceHours : nil }

    /// The share of devices reporting throttling bits that were throttled, nil when none reported them.
    public var throttledShare: Double? { throttleReportingDevices > 0 ? Double(throttledDevices) / Double(throttleReportingDevices) : nil }

    /// The median over devices of the Jensen–Shannon distance between this sample's predicted classes and the same
    /// device's in `before`; nil without pairs. Per device, because pooling devices with different input mixes would
    /// blur a model that answers differently on each.
    public func medianPredictionDistance(from before: RolloutGateSample) -> Double? {
        var distances: [Double] = []
        for (device, now) in devicePredictions {
            if let then = before.devicePredictions[device], let distance = RolloutGates.jensenShannonDistance(now, then) {
                distances.append(distance)
            }
        }
        guard !distances.isEmpty else { return nil }
        distances.sort()
        let middle = distances.count / 2
        return distances.count % 2 == 1 ? distances[middle] : (distances[middle - 1] + distances[middle]) / 2
    }

    /// The median over devices of this sample's p95 divided by the same device's p95 in `before`; nil without pairs.
    public func medianLatencyChange(from before: RolloutGateSample) -> Double? {
        var ratios: [Double] = []
        for (device, now) in deviceLatencyP95Micros {
            if let then = before.deviceLatencyP95Micros[device], then > 0 { ratios.append(now / then) }
        }
        guard !ratios.isEmpty else { return nil }
        ratios.sort()
        let middle = ratios.count / 2
        return ratios.count % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2
    }

    /// Errors per inference (nil without inferences).
    public var errorRate: Double? { inferences == 0 ? nil : Double(errors) / Double(inferences) }

    /// Mean top-class confidence from the bin counts (bin centres), nil without counts.
    public var meanConfidence: Double? {
        let total = confidence.reduce(0, +)
        guard total > 0 else { return nil }
        let bins = Double(confidence.count)
        let sum = confidence.enumerated().reduce(0.0) { $0 + Double($1.element) * (Double($1.offset) + 0.5) / bins }
        return sum / Double(total)
    }
}
