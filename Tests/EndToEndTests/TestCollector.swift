import FleetProtocol
import Foundation
import Logging
import MQTT
import Synchronization
import XCTest

/// A small stand-in for the collector: stores every queued upward message once per (device, stream, seq),
/// acknowledges the contiguous prefix it holds, and serves bundle chunks on request.
///
/// Its store outlives its MQTT client: ``disconnect()`` and ``connect()`` simulate a collector crash and
/// restart (what it stored is "durable"; what was published meanwhile never reached it).
final class TestCollector: Sendable {
    struct Stream: Sendable {
        var stored: [UInt64: UpwardMessage] = [:]
        var deliveries: [UInt64: Int] = [:]
        var acknowledged: UInt64 = 0
    }

    struct State: Sendable {
        typealias Answer = @Sendable (ChunkRequest, [UInt8]) -> [(index: Int, bytes: [UInt8])]

        var streams: [String: Stream] = [:]
        var statuses: [DeviceStatus] = []
        var requestedChunks: [Int] = []
        /// What to serve per digest; nil bytes ignore the request.
        var bundles: [String: [UInt8]] = [:]
        var client: MQTTClient?
        var task: Task<Void, Never>?
        /// When false, messages are stored but not acknowledged (the device's queue only grows).
        var acknowledges = true
        /// A hostile source: the chunks to publish in answer to a request, given the bytes served for its digest;
        /// nil answers honestly (the requested slice, nothing past the end).
        var answer: Answer?
        /// A slow source: answers go out one at a time, this long apart, and each chunk is answered once only
        /// (re-requests are ignored), so the download advances at exactly this pace.
        var answerInterval: Duration = .zero
        var nextAnswer: ContinuousClock.Instant?
        var answered: Set<Int> = []
    }

    let port: Int
    let state = Mutex(State())

    init(port: Int) { self.port = port }

    deinit {
        let (client, task) = state.withLock { ($0.client, $0.task) }
        task?.cancel()
        if let client { Task { await client.shutdown() } }
    }

    /// Connects, subscribes to every upward topic and starts storing.
    func connect() async throws {
        var configuration = MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "collector-\(UUID().uuidString.prefix(8))")
        configuration.reconnectBackoff = .init(minimum: .milliseconds(50), maximum: .milliseconds(400), jitter: 0.2)
        configuration.messageBufferSize = 4096
        let client = try MQTTClient(configuration: configuration, logger: Logger(label: "collector", factory: { _ in SwiftLogNoOpLogHandler() }))
        for kind in [TopicKind.birth, .telemetry, .events, .samples, .status, .bundleRequest] {
            try await client.subscribe(FleetTopics.filter(kind), qos: .atLeastOnce)
        }
        try await client.connect()
        let task = Task { [self] in
            for await message in client.messages { await self.handle(message, client: client) }
        }
        state.withLock {
            $0.client = client
            $0.task = task
        }
    }

    /// Simulates a crash: the client goes away without a trace; the store stays.
    func disconnect() async {
        let (client, task) = state.withLock { state in
            defer {
                state.client = nil
                state.task = nil
            }
            return (state.client, state.task)
        }
        task?.cancel()
        await client?.shutdown()
    }

    private func handle(_ message: MQTTMessage, client: MQTTClient) async {
        guard let topic = try? FleetTopics.parse(message.topic) else { return }
        switch topic.kind {
        case .status:
            if let status = try? FleetCodec.decode(DeviceStatus.self, from: message.payload) {
                state.withLock { $0.statuses.append(status.body) }
            }
        case .bundleRequest:
            guard let request = try? FleetCodec.decode(ChunkRequest.self, from: message.payload) else { return }
            let now = ContinuousClock.now
            let (bundle, answer, delay) = state.withLock { state -> ([UInt8]?, State.Answer?, Duration?) in
                state.requestedChunks.append(request.body.index)
                guard state.answerInterval > .zero else { return (state.bundles[request.body.digest], state.answer, .zero) }
                guard state.answered.insert(request.body.index).inserted else { return (nil, nil, nil) }
                let at = max(now, state.nextAnswer ?? now) + state.answerInterval
                state.nextAnswer = at
                return (state.bundles[request.body.digest], state.answer, at - now)
            }
            guard let bundle, let delay else { return }
            let chunks = answer?(request.body, bundle) ?? {
                let start = request.body.index * request.body.chunkSize
                guard start < bundle.count else { return [] }
                return [(request.body.index, Array(bundle[start..<min(start + request.body.chunkSize, bundle.count)]))]
            }()
            let topics = try! DeviceTopics(deviceID: topic.deviceID)
            let digest = request.body.digest
            let publish = { @Sendable in
                for (index, bytes) in chunks {
                    try? await client.publish(topic: topics.bundleChunk(digest: digest, index: index), payload: bytes, qos: .atLeastOnce)
                }
            }
            if delay > .zero {
                // Later, without holding up the acknowledgements of everything else.
                Task {
                    try? await Task.sleep(for: delay)
                    await publish()
                }
            } else {
                await publish()
            }
        case .birth, .telemetry, .events, .samples:
            guard let decoded = try? FleetCodec.decodeUpward(message.payload) else { return }
            let header = decoded.header
            let acknowledged = state.withLock { state -> UInt64? in
                var stream = state.streams[header.stream] ?? Stream()
                stream.deliveries[header.seq, default: 0] += 1
                if stream.stored[header.seq] == nil, header.seq > stream.acknowledged { stream.stored[header.seq] = decoded }
                stream.acknowledged = max(stream.acknowledged, header.head &- 1)
                while stream.stored[stream.acknowledged + 1] != nil { stream.acknowledged += 1 }
                state.streams[header.stream] = stream
                return state.acknowledges ? stream.acknowledged : nil
            }
            guard let acknowledged else { return }
            let ack = try! FleetCodec.encode(Acknowledgement(stream: header.stream, seq: acknowledged))
            try? await client.publish(topic: try! DeviceTopics(deviceID: header.device).ack, payload: ack, qos: .atLeastOnce)
        default:
            break
        }
    }

    /// Serves `bytes` as bundle `digest`.
    func serve(_ bytes: [UInt8], as digest: String) { state.withLock { $0.bundles[digest] = bytes } }

    /// Sends a command to a device.
    func send(_ command: Command, to device: String) async throws {
        let client = try XCTUnwrap(state.withLock { $0.client })
        try await client.publish(topic: try DeviceTopics(deviceID: device).commands, payload: try FleetCodec.encode(command), qos: .atLeastOnce)
    }

    /// Publishes any downward message to a device topic.
    func publish(_ payload: [UInt8], to topic: String) async throws {
        let client = try XCTUnwrap(state.withLock { $0.client })
        try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce)
    }

    /// Every stored message of every stream, in sequence order.
    var messages: [UpwardMessage] {
        state.withLock { state in
            state.streams.values.flatMap { stream in stream.stored.keys.sorted().map { stream.stored[$0]! } }
        }
    }

    var telemetry: [TelemetryReport] {
        messages.compactMap { if case .telemetry(let m) = $0 { m.body } else { nil } }
    }

    var events: [DeviceEvent] {
        messages.compactMap { if case .event(let m) = $0 { m.body } else { nil } }
    }

    var updates: [UpdateProgress] { events.compactMap(\.update) }

    /// The phases reported for one assignment, in order.
    func phases(_ assignmentID: String) -> [UpdatePhase] {
        updates.filter { $0.assignmentID == assignmentID }.map(\.phase)
    }

    /// The newest telemetry report's bundle digest among reports of `device` that counted inferences.
    func servingDigest(_ device: String) -> String? {
        messages.compactMap { message -> TelemetryReport? in
            if case .telemetry(let m) = message, m.device == device, m.body.inferences > 0 { m.body } else { nil }
        }.max { $0.intervalEnd < $1.intervalEnd }?.bundle?.digest
    }

    /// Birth messages of `device`.
    func births(_ device: String) -> [Birth] {
        messages.compactMap { if case .birth(let m) = $0, m.device == device { m.body } else { nil } }
    }

    /// Telemetry of `device`, in interval order.
    func telemetry(_ device: String) -> [TelemetryReport] {
        messages.compactMap { if case .telemetry(let m) = $0, m.device == device { m.body } else { nil } }
            .sorted { $0.intervalEnd < $1.intervalEnd }
    }
}

/// Polls `condition` until it holds; fails the test after `timeout` (generous: the machine may be loaded).
func eventually(_ what: @autoclosure () -> String, timeout: Duration = .seconds(30), file: StaticString = #filePath,
                line: UInt = #line, _ condition: () async throws -> Bool) async rethrows {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try? await Task.sleep(for: .milliseconds(25))
    }
    XCTFail("timed out after \(timeout) waiting for \(what())", file: file, line: line)
}
