import FleetProtocol

extension IngestService {
    /// Ingest lag and throttling from a committed batch: one pass over it, no allocation, no log (a hot path).
    ///
    /// The lag is measured from the device's own timestamp, so it covers the agent's queue, the broker and the
    /// collector's queue and commit: what "late telemetry" means to an operator (a device's clock error adds to it;
    /// agents keep NTP time). Resent backlogs after an outage show as lag until they drain, which is true.
    func recordCommitted(_ batch: [IngestMessage], at now: Int64) {
        var oldest = Int64.max
        for message in batch {
            if message.isQueued, message.header.time < oldest { oldest = message.header.time }
            switch message.body {
            case .telemetry(let report):
                if let count = metrics.throttling.update(device: message.header.device, throttled: report.resources.throttled,
                                                            thermalState: report.resources.thermalState) {
                    metrics.devicesThrottling.record(count)
                }
            case .status(let status) where status.state == .offline:
                if let count = metrics.throttling.forget(device: message.header.device) { metrics.devicesThrottling.record(count) }
            default:
                break
            }
        }
        if oldest != .max { metrics.ingestLag.record(Double(max(0, now - oldest)) / 1000) }
    }
}
