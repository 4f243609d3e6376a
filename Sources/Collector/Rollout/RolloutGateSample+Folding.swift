import FleetProtocol

extension RolloutGateSample {
    /// Folds a group's telemetry reports (already restricted to the bundle it should run) into a gate sample.
    ///
    /// Latency p95 comes from the reports' histograms merged on the collector's fixed buckets (a real quantile
    /// over every inference, not an average of device p95s); a report without buckets contributes its p95.
    /// `restarts` and `hours` (the period's length) feed the health gate's restart rate; throttling counts only the
    /// firmware's current bits 0–3 (bits 16–19 say "since boot", which a model did not cause in this period).
    public static func fold(devices: [String], reports: [RolloutReport], installsSucceeded: Int = 0, installsFailed: Int = 0,
                            restarts: Int = 0, hours: Double = 0) -> RolloutGateSample {
        let members = Set(devices)
        var reporting = Set<String>()
        var inferences: UInt64 = 0, errors: UInt64 = 0
        var histogram = LatencyHistogram()
        var predictions: [UInt64] = [], confidence: [UInt64] = []
        var compared: UInt64 = 0, agreed: UInt64 = 0
        var temperature: Double?
        var perDevice: [String: LatencyHistogram] = [:]
        var perDevicePredictions: [String: [UInt64]] = [:]
        var throttleReporting = Set<String>(), throttled = Set<String>()
        var resident: [UInt64] = []
        for entry in reports where members.contains(entry.deviceID) {
            let report = entry.report
            reporting.insert(entry.deviceID)
            inferences &+= report.inferences
            errors &+= report.errors
            var latency = LatencyHistogram()
            if !report.latency.buckets.isEmpty {
                latency.add(reportBuckets: report.latency.buckets)
            } else if report.latency.count > 0 {
                latency.add(micros: report.latency.p95Micros, count: report.latency.count)
            }
            histogram.merge(latency)
            perDevice[entry.deviceID, default: LatencyHistogram()].merge(latency)
            add(report.predictions, into: &predictions)
            add(report.predictions, into: &perDevicePredictions[entry.deviceID, default: []])
            add(report.confidence, into: &confidence)
            if let shadow = report.shadow {
                compared &+= shadow.compared
                agreed &+= shadow.agreed
            }
            if let celsius = report.resources.temperatureCelsius { temperature = max(temperature ?? celsius, celsius) }
            // The firmware's bits, or the agent's own response to its thermal limits (slowed or paused inference).
            let bits = report.resources.throttled, thermal = report.resources.thermalState
            if bits != nil || thermal != nil {
                throttleReporting.insert(entry.deviceID)
                if (bits ?? 0) & currentThrottleBits != 0 || thermal == .throttling || thermal == .paused { throttled.insert(entry.deviceID) }
            }
            // 0 is "not measured" (a platform without /proc), never a real resident set.
            if report.resources.rssBytes > 0 { resident.append(report.resources.rssBytes) }
        }
        resident.sort()
        return RolloutGateSample(devices: devices.count, reportingDevices: reporting.count, inferences: inferences, errors: errors,
                                 latencyP95Micros: histogram.quantile(0.95), predictions: predictions, confidence: confidence,
                                 installsSucceeded: installsSucceeded, installsFailed: installsFailed,
                                 shadowAgreement: compared == 0 ? nil : Double(agreed) / Double(compared), maximumTemperatureCelsius: temperature,
                                 deviceLatencyP95Micros: perDevice.compactMapValues { $0.quantile(0.95) }, devicePredictions: perDevicePredictions,
                                 restarts: restarts, deviceHours: Double(devices.count) * hours,
                                 throttleReportingDevices: throttleReporting.count, throttledDevices: throttled.count,
                                 memoryP95Bytes: resident.isEmpty ? nil : Double(resident[min(resident.count - 1, Int((Double(resident.count) * 0.95).rounded(.up)) - 1)]))
    }

    /// Under-voltage, frequency capped, throttled, soft temperature limit: now (the firmware's bits 0–3).
    static let currentThrottleBits: UInt32 = 0x0F

    private static func add(_ counts: [UInt64], into total: inout [UInt64]) {
        if total.count < counts.count { total += [UInt64](repeating: 0, count: counts.count - total.count) }
        for (index, count) in counts.enumerated() { total[index] &+= count }
    }
}
