// Per-message cost of the telemetry codec: the shared encoder (FleetCodec.encode → TelemetryJSONWriter) against
// JSONEncoder, and the collector's fast path (TelemetryFastPath) against JSONDecoder, on a FleetSim-sized report.
// Built and run by scripts/bench-telemetry-codec.sh (optimised, outside SwiftPM); prints, asserts nothing.
import FleetProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@main
struct TelemetryCodecBenchmark {
    static func main() throws {
        let digest = String(repeating: "3f", count: 32)
        let report = TelemetryReport(
            intervalStart: 1_764_900_000_000, intervalEnd: 1_764_900_001_000,
            bundle: BundleReference(name: "keyword-spotter", version: "1.2.0", digest: digest, releaseCounter: 2),
            inferences: 611, errors: 0, droppedInputs: 0, throughput: 611.384,
            latency: LatencySummary(count: 611, minMicros: 690, meanMicros: 1037.262, p50Micros: 987, p95Micros: 1382, p99Micros: 1650,
                                    maxMicros: 1980, buckets: [[987, 305], [1382, 274], [1980, 32]]),
            predictions: [210, 180, 121, 100], confidence: [0, 0, 0, 0, 0, 0, 0, 152, 203, 256],
            features: (0..<4).map { FeatureCounts(name: "f\($0)", counts: [1, 3, 2, 4, 1, 2, 2, 1]) },
            resources: ResourceUsage(rssBytes: 43_127_808, cpuCores: 0.613, temperatureCelsius: 57.25, throttled: 0),
            queue: QueueStatus(depth: 3, bytes: 1800, dropped: 0), shadow: nil, capture: CaptureStatistics(), counters: [:])
        let envelope = Envelope(kind: .telemetry, device: "demo-sim-17", stream: "9c0e4d2a", seq: 12_345, head: 12_340,
                                time: 1_764_900_001_000, body: report)
        let jsonEncoder = JSONEncoder()
        jsonEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let fast = try FleetCodec.encode(report, device: envelope.device, stream: envelope.stream, seq: envelope.seq, head: envelope.head,
                                         time: envelope.time)
        let codable = [UInt8](try jsonEncoder.encode(envelope))
        print("message: \(fast.count) bytes (shared encoder), \(codable.count) bytes (JSONEncoder), identical: \(fast == codable)")
        let iterations = 20_000
        var sink = 0
        func measure(_ name: String, _ body: () throws -> Int) rethrows {
            for _ in 0..<(iterations / 10) { sink &+= try body() }  // warm-up
            let start = ContinuousClock.now
            for _ in 0..<iterations { sink &+= try body() }
            let elapsed = ContinuousClock.now - start
            let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
            let perMessage = micros / Double(iterations)
            print(name + String(repeating: " ", count: max(1, 46 - name.count))
                  + "\((perMessage * 100).rounded() / 100) µs/message  (\(Int((1e6 / perMessage).rounded())) messages/s on one core)")
        }
        try measure("encode: FleetCodec.encode (shared encoder)") {
            try FleetCodec.encode(report, device: envelope.device, stream: envelope.stream, seq: envelope.seq, head: envelope.head, time: envelope.time).count
        }
        try measure("encode: JSONEncoder (Codable)") { try jsonEncoder.encode(envelope).count }
        measure("decode: TelemetryFastPath") { TelemetryFastPath.decode(fast)?.body.predictions.count ?? -1 }
        let decoder = JSONDecoder()
        try measure("decode: JSONDecoder (Codable)") { try decoder.decode(Envelope<TelemetryReport>.self, from: Data(fast)).body.predictions.count }
        try measure("decode: FleetCodec.decode (checks v, kind)") { try FleetCodec.decode(TelemetryReport.self, from: fast).body.predictions.count }
        precondition(sink != 0)
    }
}
