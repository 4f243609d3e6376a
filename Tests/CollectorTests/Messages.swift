import Collector
import FleetProtocol
import Foundation

/// Fleet messages for tests, built with the protocol's own types and codec.
enum Messages {
    static let bundle = BundleReference(name: "keyword-spotter", version: "1.0.0", digest: String(repeating: "a", count: 64), releaseCounter: 3)

    static func report(at time: Int64 = Int64(Date().timeIntervalSince1970 * 1000), p50: UInt64 = 10_000, p95: UInt64 = 15_000,
                       inferences: UInt64 = 100, predictions: [UInt64] = [50, 30, 20], bundle: BundleReference? = Messages.bundle) -> TelemetryReport {
        TelemetryReport(
            intervalStart: time - 1000, intervalEnd: time, bundle: bundle, inferences: inferences, errors: 1, droppedInputs: 0, throughput: 100,
            latency: LatencySummary(count: inferences, minMicros: p50 / 2, meanMicros: Double(p50), p50Micros: p50, p95Micros: p95,
                                    p99Micros: p95 + 1000, maxMicros: p95 + 2000,
                                    buckets: [[p50, inferences * 50 / 100], [p95, inferences * 45 / 100], [p95 + 2000, inferences - inferences * 95 / 100]]),
            predictions: predictions, confidence: [0, 0, 0, 0, 0, 0, 0, 10, 20, 70], features: [FeatureCounts(name: "energy", counts: [1, 2, 3])],
            resources: ResourceUsage(rssBytes: 50_000_000, cpuCores: 0.5, temperatureCelsius: 55, throttled: 0),
            queue: QueueStatus(depth: 0, bytes: 0, dropped: 0), shadow: nil, capture: CaptureStatistics(), counters: [:])
    }

    static func header(_ kind: MessageKind, device: String, stream: String, seq: UInt64, head: UInt64? = nil,
                       time: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) -> EnvelopeHeader {
        EnvelopeHeader(version: 1, kind: kind, device: device, stream: stream, seq: seq, head: head ?? 1, time: time)
    }

    static func telemetry(device: String, stream: String = "s1", seq: UInt64, head: UInt64? = nil, report: TelemetryReport = Messages.report()) -> IngestMessage {
        let header = header(.telemetry, device: device, stream: stream, seq: seq, head: head)
        let payload = (try? FleetCodec.encode(report, device: device, stream: stream, seq: seq, head: header.head, time: header.time)) ?? []
        return IngestMessage(header: header, body: .telemetry(report), payload: payload)
    }

    static func birthBody(bundle: BundleReference? = Messages.bundle, profile: String = "rpi-4b-2gb", startedAt: Int64 = 1_700_000_000_000) -> Birth {
        Birth(agentVersion: "0.1.0", profile: profile, bundle: bundle,
              hardware: HardwareInfo(model: "Raspberry Pi 4 Model B", machine: "aarch64", kernel: "6.6", cpuCount: 4, memoryBytes: 2 << 30),
              startedAt: startedAt, telemetryIntervalSeconds: 10, input: "replay")
    }

    static func birth(device: String, stream: String = "s1", seq: UInt64, bundle: BundleReference? = Messages.bundle,
                      profile: String = "rpi-4b-2gb") -> IngestMessage {
        let body = birthBody(bundle: bundle, profile: profile)
        return IngestMessage(header: header(.birth, device: device, stream: stream, seq: seq), body: .birth(body),
                             payload: (try? FleetCodec.encode(body, device: device, stream: stream, seq: seq, head: 1, time: 0)) ?? [])
    }

    static func status(device: String, online: Bool) -> IngestMessage {
        let body = DeviceStatus(state: online ? .online : .offline, reason: online ? nil : "lost")
        return IngestMessage(header: header(.status, device: device, stream: "s1", seq: 0, head: 0), body: .status(body), payload: [])
    }

    /// The bytes an agent would publish for a telemetry report.
    static func telemetryPayload(device: String, stream: String = "s1", seq: UInt64, head: UInt64 = 1, report: TelemetryReport = Messages.report()) throws -> [UInt8] {
        try FleetCodec.encode(report, device: device, stream: stream, seq: seq, head: head, time: Int64(Date().timeIntervalSince1970 * 1000))
    }
}
