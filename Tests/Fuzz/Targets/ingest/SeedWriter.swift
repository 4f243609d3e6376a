import Bundles
import FleetProtocol

#if canImport(Glibc)
import Glibc
#endif

/// `fuzz-ingest --write-seeds TELEMETRY_DIR INGEST_DIR`: writes the seed corpora of the telemetry and ingest targets
/// with the protocol's own types and codec, so they stay valid when the protocol changes.
enum SeedWriter {
    static let device = "pi-0001"
    static let bundle = BundleReference(name: "keyword-spotter", version: "1.0.0", digest: String(repeating: "a", count: 64), releaseCounter: 3)

    static func report(bundle: BundleReference?, shadow: ShadowStatistics?, counters: [String: Double]) -> TelemetryReport {
        TelemetryReport(
            intervalStart: 1_764_000_000_000, intervalEnd: 1_764_000_010_000, bundle: bundle, inferences: 100, errors: 1, droppedInputs: 2,
            throughput: 10.5,
            latency: LatencySummary(count: 100, minMicros: 900, meanMicros: 1234.5, p50Micros: 1200, p95Micros: 2000, p99Micros: 2500,
                                    maxMicros: 3000, buckets: [[1000, 40], [2000, 55], [4000, 5]]),
            predictions: [50, 30, 20], confidence: [0, 0, 1, 9, 90], features: [FeatureCounts(name: "energy", counts: [1, 2, 3])],
            resources: ResourceUsage(rssBytes: 50_000_000, cpuCores: 0.25, temperatureCelsius: 55.5, throttled: 0),
            queue: QueueStatus(depth: 3, bytes: 4096, dropped: 0), shadow: shadow, capture: CaptureStatistics(captured: 2, labeled: 1),
            counters: counters)
    }

    static func write(telemetry: String, ingest: String) throws {
        let reports = [
            report(bundle: bundle, shadow: nil, counters: [:]),
            report(bundle: nil, shadow: ShadowStatistics(candidate: bundle, compared: 10, agreed: 9), counters: ["inference.retries": 2, "x": -0.5]),
        ]
        for (index, report) in reports.enumerated() {
            let bytes = try FleetCodec.encode(report, device: device, stream: "s1", seq: UInt64(index + 1), head: 1, time: 1_764_000_010_000)
            try FileIO.writeAtomically("\(telemetry)/telemetry-\(index)", bytes)
        }
        let topics = try DeviceTopics(deviceID: device)
        let birth = Birth(agentVersion: "0.1.0", profile: "rpi-4b-2gb", bundle: bundle,
                          hardware: HardwareInfo(model: "Raspberry Pi 4 Model B", machine: "aarch64", kernel: "6.6", cpuCount: 4, memoryBytes: 2 << 30),
                          startedAt: 1_764_000_000_000, telemetryIntervalSeconds: 10, input: "replay")
        func record(_ topic: String, _ payload: [UInt8]) -> [UInt8] { Array(topic.utf8) + [0] + payload }
        let time: Int64 = 1_764_000_010_000
        let batch: [[UInt8]] = [
            record(topics.birth, try FleetCodec.encode(birth, device: device, stream: "s1", seq: 1, head: 1, time: time)),
            record(topics.telemetry, try FleetCodec.encode(reports[0], device: device, stream: "s1", seq: 2, head: 1, time: time)),
            record(topics.telemetry, try FleetCodec.encode(reports[1], device: device, stream: "s1", seq: 5, head: 4, time: time)),
            record(topics.events, try FleetCodec.encode(DeviceEvent(name: .agentStarted, details: ["bundle": "keyword-spotter"]),
                                                        device: device, stream: "s1", seq: 6, head: 4, time: time)),
            record(topics.samples, try FleetCodec.encode(
                SampleRecord(sampleID: "s-1", bundle: bundle, reason: .lowConfidence, predictedClass: 1, confidence: 0.4,
                             inputs: [CapturedTensor(dtype: "int8", shape: [1, 4], length: 4, compression: "none", data: [1, 2, 3, 4])],
                             output: [7, 8]),
                device: device, stream: "s1", seq: 7, head: 4, time: time)),
            record(topics.samples, try FleetCodec.encode(
                LabelRecord(sampleID: "s-1", label: 1, matched: true, predictedClass: 1, correct: true, bundleDigest: bundle.digest),
                device: device, stream: "s1", seq: 7, head: 4, time: time)),
            record(topics.status, try FleetCodec.encode(DeviceStatus(state: .offline, reason: "lost"), device: device, stream: "s1", seq: 0, head: 0,
                                                    time: time)),
            record(topics.bundleRequest, try FleetCodec.encode(ChunkRequest(digest: bundle.digest, index: 0, chunkSize: 65_536),
                                                               device: device, stream: "s1", seq: 0, head: 0, time: time)),
        ]
        try FileIO.writeAtomically("\(ingest)/batch", Array(batch.joined(separator: [0x1E])))
        for (index, one) in batch.enumerated() { try FileIO.writeAtomically("\(ingest)/message-\(index)", one) }
        // A stream that jumps far ahead (three corroborating numbers), and one forged far-ahead message.
        let jump = try [70, 72, 71, 3].map { seq in
            record(topics.telemetry, try FleetCodec.encode(reports[0], device: device, stream: "s2", seq: UInt64(seq), head: 1, time: time))
        }
        try FileIO.writeAtomically("\(ingest)/jump", Array(jump.joined(separator: [0x1E])))
    }
}
