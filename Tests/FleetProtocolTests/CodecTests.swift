import FleetProtocol
import XCTest

/// Versioned JSON codecs: round trips, header-only decoding, version and kind checks.
final class CodecTests: XCTestCase {
    private let digest = String(repeating: "c3", count: 32)

    private func report() -> TelemetryReport {
        TelemetryReport(
            intervalStart: 1_000, intervalEnd: 11_000,
            bundle: BundleReference(name: "kws", version: "1.0.0", digest: digest, releaseCounter: 3),
            inferences: 100, errors: 2, droppedInputs: 1, throughput: 10,
            latency: LatencySummary(count: 100, minMicros: 900, meanMicros: 1020.5, p50Micros: 1000, p95Micros: 1200,
                                    p99Micros: 1500, maxMicros: 1700, buckets: [[1000, 60], [1500, 40]]),
            predictions: [50, 50], confidence: Array(repeating: 10, count: 10),
            features: [FeatureCounts(name: "f0", counts: [1, 2, 3])],
            resources: ResourceUsage(rssBytes: 20_000_000, cpuCores: 0.25, temperatureCelsius: 51.5, throttled: 0x50000),
            queue: QueueStatus(depth: 3, bytes: 4096, dropped: 0),
            shadow: ShadowStatistics(candidate: BundleReference(name: "kws", version: "1.1.0", digest: digest, releaseCounter: 4),
                                     compared: 10, agreed: 9),
            capture: CaptureStatistics(captured: 1), counters: ["edge_agent_x": 1])
    }

    func testEveryUpwardKindRoundTripsThroughDecodeUpward() throws {
        let bodies: [(MessageKind, [UInt8])] = [
            (.telemetry, try FleetCodec.encode(report(), device: "d1", stream: "s", seq: 5, head: 3, time: 42)),
            (.birth, try FleetCodec.encode(Birth(agentVersion: "0.1.0", profile: "rpi-4b-2gb", bundle: nil,
                                                 hardware: HardwareInfo(model: "Pi", machine: "aarch64", kernel: "6.6", cpuCount: 4, memoryBytes: 1 << 31),
                                                 startedAt: 1, telemetryIntervalSeconds: 10, input: "replay"),
                                           device: "d1", stream: "s", seq: 6, head: 3, time: 43)),
            (.status, try FleetCodec.encode(DeviceStatus(state: .offline, reason: "lost"), device: "d1", stream: "s", seq: 6, head: 3, time: 44)),
            (.event, try FleetCodec.encode(DeviceEvent(name: .updatePhase, update: UpdateProgress(
                assignmentID: "a1", phase: .probation, previousPhase: .switching,
                target: BundleReference(name: "kws", version: "1", digest: digest, releaseCounter: 2), serving: nil, switchPauseMicros: 12)),
                device: "d1", stream: "s", seq: 7, head: 3, time: 45)),
            (.sample, try FleetCodec.encode(SampleRecord(sampleID: "x", bundle: nil, reason: .drift, predictedClass: 1, confidence: 0.3,
                                                         inputs: [CapturedTensor(dtype: "int8", shape: [1, 4], length: 4, data: [1, 2, 3])],
                                                         output: [9, 8]), device: "d1", stream: "s", seq: 8, head: 3, time: 46)),
            (.label, try FleetCodec.encode(LabelRecord(sampleID: "x", label: 1, matched: true, predictedClass: 1, correct: true, bundleDigest: digest),
                                           device: "d1", stream: "s", seq: 9, head: 3, time: 47)),
            (.chunkRequest, try FleetCodec.encode(ChunkRequest(digest: digest, index: 2, chunkSize: 65536),
                                                  device: "d1", stream: "s", seq: 9, head: 3, time: 48)),
        ]
        for (kind, bytes) in bodies {
            let message = try FleetCodec.decodeUpward(bytes)
            XCTAssertEqual(message.header.kind, kind)
            XCTAssertEqual(message.header.device, "d1")
            XCTAssertEqual(message.header.version, FleetProtocol.version)
        }
        guard case .telemetry(let telemetry) = try FleetCodec.decodeUpward(bodies[0].1) else { return XCTFail("not telemetry") }
        XCTAssertEqual(telemetry.body, report())
        XCTAssertEqual(telemetry.seq, 5)
        XCTAssertEqual(telemetry.head, 3)
        XCTAssertEqual(telemetry.body.shadow?.agreementRate, 0.9)
        guard case .sample(let sample) = try FleetCodec.decodeUpward(bodies[4].1) else { return XCTFail("not a sample") }
        XCTAssertEqual(sample.body.inputs[0].data.bytes, [1, 2, 3])
        XCTAssertEqual(sample.body.output.bytes, [9, 8])
    }

    func testWireFormatIsStableJSON() throws {
        let bytes = try FleetCodec.encode(Acknowledgement(stream: "abc", seq: 17))
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), #"{"seq":17,"stream":"abc","v":1}"#)
        let status = try FleetCodec.encode(DeviceStatus(state: .online), device: "d", stream: "s", seq: 0, head: 1, time: 2)
        XCTAssertEqual(String(decoding: status, as: UTF8.self),
                       #"{"body":{"state":"online"},"device":"d","head":1,"kind":"status","seq":0,"stream":"s","time":2,"v":1}"#)
    }

    func testAnotherVersionIsRefusedBeforeTheBodyIsRead() {
        let future = Array(#"{"v":2,"kind":"telemetry","device":"d","stream":"s","seq":1,"head":1,"time":0,"body":{"whatever":true}}"#.utf8)
        XCTAssertThrowsError(try FleetCodec.decodeUpward(future)) { error in
            XCTAssertEqual((error as? FleetProtocolError)?.code, .unsupportedVersion)
        }
        XCTAssertThrowsError(try FleetCodec.decode(Acknowledgement.self, from: Array(#"{"v":3,"stream":"s","seq":1}"#.utf8))) { error in
            XCTAssertEqual((error as? FleetProtocolError)?.code, .unsupportedVersion)
        }
    }

    func testWrongKindMissingFieldsAndGarbageAreRefusedWithTheField() throws {
        let status = try FleetCodec.encode(DeviceStatus(state: .online), device: "d", stream: "s", seq: 0, head: 1, time: 2)
        XCTAssertThrowsError(try FleetCodec.decode(TelemetryReport.self, from: status)) { error in
            XCTAssertEqual((error as? FleetProtocolError)?.code, .unknownKind)
        }
        let missing = Array(#"{"v":1,"stream":"s"}"#.utf8)
        XCTAssertThrowsError(try FleetCodec.decode(Acknowledgement.self, from: missing)) { error in
            XCTAssertEqual((error as? FleetProtocolError)?.code, .invalidMessage)
            XCTAssertTrue((error as? FleetProtocolError)?.message.contains("seq") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try FleetCodec.decodeUpward(Array("not json".utf8)))
    }

    func testUnknownFieldsAreIgnoredWithinAVersion() throws {
        let extended = Array(#"{"v":1,"stream":"s","seq":4,"addedLater":[1,2]}"#.utf8)
        XCTAssertEqual(try FleetCodec.decode(Acknowledgement.self, from: extended), Acknowledgement(stream: "s", seq: 4))
    }

    func testCommandsRoundTripAndAssignmentsAreRangeChecked() throws {
        let assignment = Assignment(assignmentID: "a-1", name: "kws", version: "1.1.0", digest: digest, size: 100_000,
                                    chunkSize: 65_536, shadowSeconds: 5, minimumAgreement: 0.9, probationSeconds: 30)
        let decoded = try FleetCodec.decode(Command.self, from: try FleetCodec.encode(Command.assign(assignment)))
        XCTAssertEqual(decoded.type, .assign)
        XCTAssertEqual(decoded.assignment, assignment)
        XCTAssertEqual(assignment.chunkCount, 2)
        XCTAssertNoThrow(try assignment.validate(maximumSize: 1 << 20))
        var bad = assignment
        bad.size = 0
        XCTAssertThrowsError(try bad.validate(maximumSize: 1 << 20))
        bad = assignment
        bad.digest = "ABC"
        XCTAssertThrowsError(try bad.validate(maximumSize: 1 << 20))
        bad = assignment
        bad.minimumAgreement = 1.5
        XCTAssertThrowsError(try bad.validate(maximumSize: 1 << 20))
        XCTAssertThrowsError(try assignment.validate(maximumSize: 1000))
        let feedback = try FleetCodec.decode(Feedback.self, from: try FleetCodec.encode(Feedback(sampleID: "s-1", label: 3)))
        XCTAssertEqual(feedback, Feedback(sampleID: "s-1", label: 3))
        let trust = try FleetCodec.decode(Command.self, from: try FleetCodec.encode(Command(id: "t", type: .trust, trustFile: [1, 2, 255])))
        XCTAssertEqual(trust.trustFile?.bytes, [1, 2, 255])
    }

    func testARollbackCommandNamesTheVersionToReturnTo() throws {
        let champion = Assignment(assignmentID: "rbk-1", name: "kws", version: "1.0.0", digest: digest, size: 100_000, chunkSize: 65_536)
        let bytes = try FleetCodec.encode(Command.rollback(champion))
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains(#""type":"rollback""#))
        let decoded = try FleetCodec.decode(Command.self, from: bytes)
        XCTAssertEqual(decoded.type, .rollback)
        XCTAssertEqual(decoded.assignment, champion)
        XCTAssertEqual(decoded.id, "rbk-1")
    }

    func testUpdatePhasesKnowWhichAreTerminal() {
        XCTAssertEqual(UpdatePhase.allCases.filter(\.isTerminal), [.committed, .rolledBack, .failed])
    }
}
