import FleetProtocol
import Foundation
import Logging
import MQTT
import TestSupport
import XCTest

/// The other input sources: a Unix socket answered with the outputs, and an MQTT topic with predictions out.
final class InputEndToEndTests: XCTestCase {
    func testUnixSocketFramesAreAnsweredWithTheReferenceOutputs() async throws {
        let world = try await AgentWorld(self)
        let socketPath = "\(world.directory)/in.sock"
        let configuration = try world.configuration(
            initialBundle: try world.write(try world.bundle(version: "1.0.0", counter: 1), "v1.efb"), input: socketPath,
            extra: ["input": ["type": "socket", "path": socketPath], "output": ["socket": true]])
        try world.startAgent(configuration)
        await eventually("the socket exists\n\(world.logs)") { FileManager.default.fileExists(atPath: socketPath) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in socketPath.utf8.enumerated() { raw[i] = b } }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(connected, 0)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func exchange(_ frame: [UInt8]) -> [UInt8]? {
            let message = withUnsafeBytes(of: UInt32(frame.count).littleEndian, Array.init) + frame
            guard message.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == message.count else { return nil }
            var header = [UInt8](repeating: 0, count: 4)
            guard readFully(&header) else { return nil }
            var body = [UInt8](repeating: 0, count: Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24))
            return readFully(&body) ? body : nil
        }
        func readFully(_ buffer: inout [UInt8]) -> Bool {
            var filled = 0
            while filled < buffer.count {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, $0.count - filled, 0) }
                guard count > 0 else { return false }
                filled += count
            }
            return true
        }
        for number in 0..<3 {
            let input = try Fixtures.bytes("kws_ref_model/case-\(number).in-0.bin")
            let reference = try Fixtures.bytes("kws_ref_model/case-\(number).ref-0.bin")
            XCTAssertEqual(exchange(input), reference, "case \(number): bit-exact output over the socket")
        }
        await eventually("telemetry counts the socket inputs") {
            world.collector.telemetry(world.device).reduce(0) { $0 + $1.inferences } >= 3
        }
    }

    func testMQTTInputTopicAndPredictionsOutput() async throws {
        let world = try await AgentWorld(self)
        let configuration = try world.configuration(
            initialBundle: try world.write(try world.bundle(version: "1.0.0", counter: 1), "v1.efb"), input: "",
            extra: ["input": ["type": "mqtt"], "output": ["mqtt": true]])
        try world.startAgent(configuration)
        await eventually("birth\n\(world.logs)") { !world.collector.births(world.device).isEmpty }
        let topics = try DeviceTopics(deviceID: world.device)
        var settings = MQTTConfiguration(host: "127.0.0.1", port: world.broker.port, clientID: "producer")
        settings.reconnectBackoff = .init(minimum: .milliseconds(50), maximum: .milliseconds(400), jitter: 0.2)
        let producer = try MQTTClient(configuration: settings, logger: Logger(label: "producer", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await producer.subscribe(topics.predictions, qos: .atMostOnce)
        try await producer.connect()
        let received = Task {
            var predictions: [[Double]] = []
            for await message in producer.messages {
                struct Batch: Decodable { var bundle: String; var predictions: [[Double]] }
                if let batch = try? JSONDecoder().decode(Batch.self, from: Data(message.payload)) { predictions += batch.predictions }
                if predictions.count >= 3 { break }
            }
            return predictions
        }
        var expected: [Double] = []
        for number in 0..<3 {
            let input = try Fixtures.bytes("kws_ref_model/case-\(number).in-0.bin")
            let scores = try Fixtures.bytes("kws_ref_model/case-\(number).ref-0.bin").map { Int8(bitPattern: $0) }
            expected.append(Double(scores.indices.max { scores[$0] < scores[$1] }!))
            try await producer.publish(topic: topics.input, payload: input, qos: .atLeastOnce)
        }
        let predictions = try await withThrowingTaskGroup(of: [[Double]].self) { group in
            group.addTask { await received.value }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                throw CancellationError()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        XCTAssertEqual(predictions.prefix(3).map { $0[1] }, expected, "classes of the three inputs, in order")
        await producer.shutdown()
    }

    /// MQTT input frames obey `input.maxFrameBytes` like socket and replay frames: a larger one is dropped and
    /// counted (telemetry's droppedInputs), never queued or run; frames within the limit still are.
    func testMQTTInputFramesAboveMaxFrameBytesAreDroppedAndCounted() async throws {
        let world = try await AgentWorld(self)
        let frame = try Fixtures.bytes("kws_ref_model/case-0.in-0.bin")
        let configuration = try world.configuration(
            initialBundle: try world.write(try world.bundle(version: "1.0.0", counter: 1), "v1.efb"), input: "",
            extra: ["input": ["type": "mqtt", "maxFrameBytes": frame.count], "output": ["mqtt": true]])
        try world.startAgent(configuration)
        await eventually("birth\n\(world.logs)") { !world.collector.births(world.device).isEmpty }
        let topics = try DeviceTopics(deviceID: world.device)
        let producer = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: world.broker.port, clientID: "oversize"),
                                      logger: Logger(label: "producer", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await producer.connect()
        for _ in 0..<3 {
            try await producer.publish(topic: topics.input, payload: frame + [0], qos: .atLeastOnce)
        }
        await eventually("three oversized frames counted as dropped\n\(world.logs)") {
            world.collector.telemetry(world.device).reduce(0) { $0 + $1.droppedInputs } >= 3
        }
        XCTAssertEqual(world.collector.telemetry(world.device).reduce(0) { $0 + $1.errors }, 0,
                       "an oversized frame never reaches the model")
        try await producer.publish(topic: topics.input, payload: frame, qos: .atLeastOnce)
        await eventually("a frame within the limit runs\n\(world.logs)") {
            world.collector.telemetry(world.device).reduce(0) { $0 + $1.inferences } >= 1
        }
        await producer.shutdown()
    }
}
