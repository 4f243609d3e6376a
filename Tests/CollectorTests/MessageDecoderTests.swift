import Collector
import FleetProtocol
import Foundation
import XCTest

/// Validation of incoming messages: every kind of bad input is refused with its reason, never a crash.
final class MessageDecoderTests: XCTestCase {
    let decoder = MessageDecoder(maximumPayloadBytes: 8192)
    let topic = "edgefleet/v1/dev/pi-7/telemetry"

    func reason(_ topic: String, _ payload: [UInt8]) -> IngestRejection.Reason? {
        do {
            _ = try decoder.decode(topic: topic, payload: payload)
            return nil
        } catch {
            return error.reason
        }
    }

    func testValidTelemetryDecodes() throws {
        let payload = try Messages.telemetryPayload(device: "pi-7", seq: 3, head: 2)
        guard case .store(let message) = try decoder.decode(topic: topic, payload: payload), case .telemetry(let report) = message.body else {
            return XCTFail("not a telemetry message")
        }
        XCTAssertEqual(message.header.seq, 3)
        XCTAssertEqual(report.predictions, [50, 30, 20])
    }

    func testBadInputIsRefusedWithItsReason() throws {
        let good = String(decoding: try Messages.telemetryPayload(device: "pi-7", seq: 3), as: UTF8.self)
        XCTAssertEqual(reason(topic, Array("".utf8)), .invalidMessage)
        XCTAssertEqual(reason(topic, Array("{\"v\":1".utf8)), .invalidMessage)
        XCTAssertEqual(reason(topic, Array("null".utf8)), .invalidMessage)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"inferences\":100", with: "\"inferences\":-1").utf8)), .invalidMessage)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"inferences\":100", with: "\"inferences\":\"many\"").utf8)), .invalidMessage)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"v\":1", with: "\"v\":2").utf8)), .unsupportedVersion)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"kind\":\"telemetry\"", with: "\"kind\":\"birth\"").utf8)), .kindMismatch)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"device\":\"pi-7\"", with: "\"device\":\"pi-8\"").utf8)), .deviceMismatch)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"head\":1", with: "\"head\":9").utf8)), .invalidSequence)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"stream\":\"s1\"", with: "\"stream\":\"\"").utf8)), .invalidSequence)
        XCTAssertEqual(reason(topic, Array(good.replacingOccurrences(of: "\"throughput\":100", with: "\"throughput\":-5").utf8)), .invalidValue)
        XCTAssertEqual(reason(topic, [UInt8](repeating: 32, count: 9000)), .oversized)
        XCTAssertEqual(reason("edgefleet/v1/dev/pi-7/cmd", Array(good.utf8)), .invalidTopic)
        XCTAssertEqual(reason("edgefleet/v2/dev/pi-7/telemetry", Array(good.utf8)), .invalidTopic)
        XCTAssertEqual(reason("edgefleet/v1/dev/../telemetry", Array(good.utf8)), .invalidTopic)
        XCTAssertEqual(reason("edgefleet/v1/dev/pi-7/events", Array(good.utf8)), .kindMismatch)
        XCTAssertEqual(reason("edgefleet/v1/dev/pi-7/samples", Array(good.utf8)), .kindMismatch)
    }

    func testRandomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for length in stride(from: 0, to: 4000, by: 37) {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertNotNil(reason(topic, bytes))
        }
    }

    func testEmptyRetainedStatusIsIgnoredAndChunkRequestsAreRouted() throws {
        guard case .ignore = try decoder.decode(topic: "edgefleet/v1/dev/pi-7/status", payload: []) else { return XCTFail("not ignored") }
        let request = try FleetCodec.encode(ChunkRequest(digest: String(repeating: "c", count: 64), index: 2, chunkSize: 4096), device: "pi-7",
                                            stream: "s1", seq: 4, head: 4, time: 0)
        guard case .chunkRequest(let device, let decoded) = try decoder.decode(topic: "edgefleet/v1/dev/pi-7/bundle/request", payload: request) else {
            return XCTFail("not routed as a chunk request")
        }
        XCTAssertEqual(device, "pi-7")
        XCTAssertEqual(decoded.index, 2)
    }

    func testSamplesAndLabelsShareTheTopicAndTheStream() throws {
        let sample = SampleRecord(sampleID: "s-1", bundle: Messages.bundle, reason: .lowConfidence, predictedClass: 2, confidence: 0.41,
                                  inputs: [CapturedTensor(dtype: "int8", shape: [1, 4], length: 4, compression: "none", data: [1, 2, 3, 4])],
                                  output: [0, 0, 9])
        let label = LabelRecord(sampleID: "s-1", label: 1, matched: true, predictedClass: 2, correct: false, bundleDigest: Messages.bundle.digest)
        let topic = "edgefleet/v1/dev/pi-7/samples"
        guard case .store(let first) = try decoder.decode(topic: topic, payload: try FleetCodec.encode(sample, device: "pi-7", stream: "s1", seq: 5,
                                                                                                          head: 5, time: 0)),
              case .sample(let decodedSample) = first.body else { return XCTFail("not a sample") }
        XCTAssertEqual(decodedSample, sample)
        guard case .store(let second) = try decoder.decode(topic: topic, payload: try FleetCodec.encode(label, device: "pi-7", stream: "s1", seq: 6,
                                                                                                           head: 5, time: 0)),
              case .label(let decodedLabel) = second.body else { return XCTFail("not a label") }
        XCTAssertEqual(decodedLabel, label)
    }
}
