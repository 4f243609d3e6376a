import Bundles
import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// A real edge-agent against a real mosquitto: telemetry, birth, status, capture and feedback, systemd
/// notifications, graceful shutdown.
final class TelemetryEndToEndTests: XCTestCase {
    func testTelemetryCaptureAndGracefulShutdownAgainstARealBroker() async throws {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let digest = sha256Hex(v1)
        let configuration = try world.configuration(initialBundle: try world.write(v1, "v1.efb"), extra: [
            "capture": ["enabled": true, "confidenceBelow": 1.0, "burst": 2, "maxPerHour": 60],
        ])
        let systemd = try FakeSystemd(path: "\(world.directory)/notify.sock")
        let agent = try world.startAgent(configuration, environment: ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "2000000"])

        // A plain mosquitto_sub sees the telemetry, and it parses.
        let sub = Process()
        sub.executableURL = URL(fileURLWithPath: try Mosquitto.locate("mosquitto_sub"))
        sub.arguments = ["-h", "127.0.0.1", "-p", "\(world.broker.port)", "-t", "edgefleet/v1/dev/+/telemetry", "-C", "1", "-W", "60"]
        let pipe = Pipe()
        sub.standardOutput = pipe
        try sub.run()
        let line = pipe.fileHandleForReading.readDataToEndOfFile()
        sub.waitUntilExit()
        XCTAssertEqual(sub.terminationStatus, 0, "mosquitto_sub saw no telemetry:\n\(world.logs)")
        let fromSub = try FleetCodec.decode(TelemetryReport.self, from: Array(line.dropLast(line.last == 10 ? 1 : 0)))
        XCTAssertEqual(fromSub.device, world.device)

        await eventually("telemetry with inferences, a birth, a sample") {
            world.collector.telemetry.contains { $0.inferences > 0 } && world.collector.messages.contains {
                if case .birth = $0 { true } else { false }
            } && world.collector.messages.contains { if case .sample = $0 { true } else { false } }
        }
        let report = try XCTUnwrap(world.collector.telemetry.last { $0.inferences > 0 })
        XCTAssertEqual(report.bundle?.digest, digest)
        XCTAssertEqual(report.bundle?.name, "kws")
        XCTAssertEqual(report.errors, 0)
        XCTAssertEqual(report.predictions.count, 12)
        XCTAssertEqual(report.predictions.reduce(0, +), report.inferences)
        XCTAssertEqual(report.confidence.reduce(0, +), report.inferences)
        XCTAssertEqual(report.latency.count, report.inferences)
        XCTAssertGreaterThan(report.latency.p50Micros, 0)
        XCTAssertLessThanOrEqual(report.latency.p50Micros, report.latency.p99Micros)
        XCTAssertGreaterThan(report.throughput, 0)
        XCTAssertGreaterThan(report.resources.rssBytes, 1_000_000)
        XCTAssertTrue(report.features.isEmpty, "a summary baseline has no per-input features")

        guard case .birth(let birth) = try XCTUnwrap(world.collector.messages.first(where: { if case .birth = $0 { true } else { false } })) else {
            return XCTFail("no birth")
        }
        XCTAssertEqual(birth.body.bundle?.digest, digest)
        XCTAssertEqual(birth.body.profile, "rpi-4b-2gb")
        XCTAssertFalse(birth.body.hardware.machine.isEmpty)
        XCTAssertEqual(world.collector.state.withLock { $0.statuses.last?.state }, .online)

        // Samples: compressed inputs that decompress to a golden input; a label joins by sample ID.
        guard case .sample(let sample) = try XCTUnwrap(world.collector.messages.first(where: { if case .sample = $0 { true } else { false } })) else {
            return XCTFail("no sample")
        }
        XCTAssertEqual(sample.body.reason, .lowConfidence)
        let tensor = try XCTUnwrap(sample.body.inputs.first)
        XCTAssertEqual(tensor.compression, "zlib")
        let input = try Zlib.inflate(tensor.data.bytes, expectedLength: tensor.length)
        let goldens = try (0..<3).map { try Fixtures.bytes("kws_ref_model/case-\($0).in-0.bin") }
        XCTAssertTrue(goldens.contains(input), "the sample is one of the replayed inputs")
        try await world.collector.publish(try FleetCodec.encode(Feedback(sampleID: sample.body.sampleID, label: sample.body.predictedClass)),
                                          to: try DeviceTopics(deviceID: world.device).feedback)
        try await world.collector.publish(try FleetCodec.encode(Feedback(sampleID: "unknown", label: 1)),
                                          to: try DeviceTopics(deviceID: world.device).feedback)
        await eventually("joined labels") {
            world.collector.messages.filter { if case .label = $0 { true } else { false } }.count == 2
        }
        let labels = world.collector.messages.compactMap { if case .label(let m) = $0 { m.body } else { nil } }
        XCTAssertEqual(labels.first { $0.sampleID == sample.body.sampleID }?.correct, true)
        XCTAssertEqual(labels.first { $0.sampleID == "unknown" }?.matched, false)
        await eventually("label counts in telemetry") {
            world.collector.telemetry.reduce(0) { $0 + $1.capture.labeled } == 1
        }
        let captured = world.collector.telemetry.reduce(0) { $0 + $1.capture.captured }
        XCTAssertGreaterThanOrEqual(captured, 1)
        XCTAssertLessThanOrEqual(captured, 3, "the budget (burst 2, 60/hour) holds")

        // Sequence numbers are contiguous in the stored stream.
        let seqs = world.collector.messages.map(\.header.seq)
        XCTAssertEqual(seqs, Array(1...(seqs.max() ?? 1)))

        // systemd saw READY and watchdog pings; SIGTERM stops cleanly and says goodbye.
        await eventually("READY=1 and WATCHDOG=1") {
            let messages = systemd.drain()
            return messages.contains { $0.hasPrefix("READY=1") } && messages.contains("WATCHDOG=1")
        }
        agent.terminate()
        XCTAssertEqual(agent.waitForExit(timeout: .seconds(25)), 0, world.logs)
        XCTAssertTrue(systemd.drain().contains { $0.hasPrefix("STOPPING=1") })
        await eventually("offline status; statuses \(world.collector.state.withLock { $0.statuses }); logs:\n\(world.logs)") {
            world.collector.state.withLock { $0.statuses.last } == DeviceStatus(state: .offline, reason: "shutdown", bundleDigest: digest)
        }
    }
}
