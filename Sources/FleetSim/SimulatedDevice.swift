import Crypto
import Drift
import FleetProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import MQTT
import Synchronization

/// One simulated device: a real MQTT client speaking the agent's protocol with plausible telemetry.
///
/// Like the agent it numbers queued messages (birth, telemetry, events) in one stream, keeps each until the
/// collector acknowledges it and publishes at most `window` beyond the acknowledged prefix. When acknowledgements stop
/// progressing it publishes only the oldest unacknowledged message again (a probe), backing off exponentially with
/// jitter while the stall lasts (``ResendBackoff``); once a stall ends, the rest of the window goes out again. It answers assignments by
/// downloading the bundle chunk by chunk, checking its SHA-256, reporting the update phases and switching.
public final class SimulatedDevice: Sendable {
    struct Outgoing: Sendable {
        var seq: UInt64
        var topic: String
        var payload: [UInt8]
    }

    struct Download: Sendable {
        var assignment: Assignment
        var chunks: [Int: [UInt8]] = [:]
        var requested: [Int: ContinuousClock.Instant] = [:]
    }

    struct State: Sendable {
        var nextSeq: UInt64 = 1
        var acked: UInt64 = 0
        /// Unacknowledged queued messages, ascending.
        var queue: [Outgoing] = []
        /// The highest sequence number published since the last resend.
        var sentThrough: UInt64 = 0
        /// When acknowledgements last progressed, or the last probe went out.
        var lastProgress = ContinuousClock.now
        var backoff: ResendBackoff
        var generating = true
        var statistics = DeviceStatistics()
        var bundle: BundleReference?
        /// The bundle served before the last switch: a `rollback` command switches back to it.
        var previousBundle: BundleReference?
        var random: SimulationRandom
        var baseLatencyMicros: Double
        var classWeights: [Double]
        var lastIntervalEnd: Int64
        var download: Download?
        /// The served bundle's model, when the simulator runs models (``SimulationSettings/classifier``).
        var classifier: (any SimulatedClassifier)?
        /// Captured samples waiting for their true labels (``LabellingOracle``).
        var pendingLabels: [PendingLabel] = []
        var sampleCounter: UInt64 = 0
        /// Capture and labels since the last report.
        var captureCounts = CaptureStatistics()
        /// A `capture` command's raised rate and when it ends (milliseconds since the epoch).
        var raisedCapture: (randomRate: Double, until: Int64)?
        /// Samples captured by the last report, queued right after it.
        var capturedSamples: [SampleRecord] = []
        /// When the device started reporting (nil until ``run()`` does): report n is due `n / reportsPerSecond` after.
        var reportStart: ContinuousClock.Instant?
        /// Reports queued since `reportStart`.
        var reports = 0
    }

    /// What one ``step(now:)`` produced and when the device wants the next one.
    struct Step: Sendable {
        var messages: [Outgoing]
        /// Nil: only an event (an acknowledgement, a command, a chunk) needs the device again.
        var next: ContinuousClock.Instant?
    }

    public let id: String
    public let stream: String
    public let profile: String
    let settings: SimulationSettings
    let topics: DeviceTopics
    let client: MQTTClient
    let logger: Logger
    let startedAt: Int64
    let state: Mutex<State>
    /// The device's index in its fleet: its place in the ``FleetScheduler``'s schedule.
    let slot: Int
    /// Steps the device: reports when due, probes, chunk requests, the window after acknowledgements.
    let scheduler: FleetScheduler

    /// Whether the MQTT connection is shared with other devices (``SharedConnection``): then the connection, not the
    /// device, connects, subscribes first, routes incoming messages (``deliver(_:)``) and shuts down.
    let sharesConnection: Bool

    /// A device with its own MQTT connection, or on `connection` shared with others (`--devices-per-connection`).
    public init(index: Int, settings: SimulationSettings, connection: MQTTClient? = nil, scheduler: FleetScheduler,
                logger: Logger) throws(FleetSimError) {
        slot = index
        self.scheduler = scheduler
        id = "\(settings.prefix)-\(settings.firstIndex + index)"
        self.settings = settings
        profile = settings.profiles.isEmpty ? "rpi-4b-2gb" : settings.profiles[index % settings.profiles.count]
        var random = SimulationRandom(seed: settings.seed &* 0x9E37_79B9 &+ UInt64(settings.firstIndex + index))
        stream = String((0..<4).map { _ in String(random.next() & 0xFFFF, radix: 16) }.joined().prefix(16))
        do { topics = try DeviceTopics(deviceID: id) } catch { throw FleetSimError(.invalidConfiguration, error.message) }
        var deviceLogger = logger
        deviceLogger[metadataKey: "device"] = "\(id)"
        self.logger = deviceLogger
        startedAt = Self.now()
        let weights = (0..<settings.classes).map { _ in Double.random(in: 0.2...1, using: &random) }
        let classifier = settings.bundleBytes.flatMap { bytes in settings.classifier?(bytes) }
        state = Mutex(State(backoff: ResendBackoff(base: settings.resendAfter, maximumFactor: settings.resendMaximumFactor), bundle: settings.bundle, random: random, baseLatencyMicros: Double.random(in: 4_000...40_000, using: &random),
                            classWeights: weights, lastIntervalEnd: startedAt, classifier: classifier))
        let will = try? FleetCodec.encode(DeviceStatus(state: .offline, reason: "lost", bundleDigest: settings.bundle?.digest), device: id,
                                          stream: stream, seq: 0, head: 0, time: startedAt)
        sharesConnection = connection != nil
        if let connection {
            // One will per connection: a shared connection cannot announce each device's loss (documented).
            client = connection
        } else {
            var configuration = MQTTConfiguration(host: settings.host, port: settings.port, clientID: id)
            let statusTopic = topics.status
            configuration.will = will.map { .init(topic: statusTopic, payload: $0, qos: .atLeastOnce, retain: true) }
            configuration.reconnectBackoff = .init(minimum: .milliseconds(200), maximum: .seconds(5))
            configuration.messageBufferSize = 4096
            // A whole window in flight (libmosquitto's default of 20 would hold a larger window back a broker round trip).
            configuration.sendMaximum = min(65_535, max(20, settings.window + 1))
            configuration.tcpNoDelay = true
            configuration.tls = settings.tls?.configuration(forDevice: id)
            do { client = try MQTTClient(configuration: configuration, logger: deviceLogger) } catch {
                throw FleetSimError(.invalidConfiguration, error.message)
            }
        }
    }

    /// What the device did so far.
    public var statistics: DeviceStatistics { state.withLock { $0.statistics } }

    /// The bundle the device serves now.
    public var bundle: BundleReference? { state.withLock { $0.bundle } }

    /// Stops creating telemetry; the device keeps publishing until everything is acknowledged.
    public func stopGenerating() {
        state.withLock { $0.generating = false }
    }

    /// Connects, announces itself and runs until the task is cancelled; then says goodbye (status offline).
    public func run() async throws {
        if !sharesConnection { try await subscribe() }
        var attempt = 0
        while !sharesConnection {
            do {
                try await client.connect()
                break
            } catch is CancellationError {
                await client.shutdown()
                return
            } catch {
                if Task.isCancelled { await client.shutdown(); return }
                try? await Task.sleep(for: client.configuration.reconnectBackoff.delay(attempt: attempt))
                attempt += 1
            }
        }
        state.withLock { $0.statistics.connected = 1 }
        try? await publishStatus(.online, reason: nil)
        state.withLock { $0.reportStart = ContinuousClock.now }
        enqueueBirth()
        // The fleet's scheduler steps the device from here on; this task only waits for the stop.
        await withTaskGroup(of: Void.self) { group in
            if !sharesConnection { group.addTask { await self.receive() } }
            group.addTask { while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) } }
            await group.next()
            group.cancelAll()
        }
        state.withLock { $0.reportStart = nil }
        // Cancelled: a clean stop, as the agent does on SIGTERM.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.publishStatus(.offline, reason: "shutdown") }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            await group.next()
            group.cancelAll()
        }
        if !sharesConnection { await client.shutdown() }
    }

    /// Subscribes to what the device receives (acknowledgements, commands, bundle chunks); before connecting, the
    /// client keeps the subscriptions and sends them on every (re)connection.
    func subscribe() async throws {
        try await client.subscribe(topics.ack, qos: .atLeastOnce)
        try await client.subscribe(topics.commands, qos: .atLeastOnce)
        try await client.subscribe(topics.bundleChunkFilter, qos: .atLeastOnce)
    }

    // MARK: Queue

    /// Appends a queued message; `build` gets the locked state, its sequence number and head. `wake` asks the
    /// scheduler for a step (not needed from within one).
    private func enqueue(topic: String, wake: Bool = true, _ build: (inout State, UInt64, UInt64) -> [UInt8]?) {
        state.withLock { state in
            let seq = state.nextSeq
            let head = state.queue.first?.seq ?? seq
            guard let payload = build(&state, seq, head) else { return }
            state.nextSeq += 1
            state.queue.append(Outgoing(seq: seq, topic: topic, payload: payload))
            state.statistics.generated = seq
        }
        if wake { scheduler.wake(slot) }
    }

    /// The messages to publish now: after a stall the oldest unacknowledged one (a probe, backing off), then new ones
    /// within the window.
    private func takeSendable(now: ContinuousClock.Instant) -> [Outgoing] {
        state.withLock { state in
            var batch: [Outgoing] = []
            if state.sentThrough > state.acked, state.backoff.isDue(now: now, since: state.lastProgress), let head = state.queue.first {
                // Only what stalled: the collector acknowledges its whole stored prefix in reply, so one message tells
                // how far it got; republishing the window to a collector that is shedding load is what kept it full.
                batch.append(head)
                state.statistics.resent += 1
                state.lastProgress = now
                state.backoff.resent(jitter: Double.random(in: 0...1))
            }
            let limit = state.acked + UInt64(settings.window)
            var fresh = 0
            for message in state.queue where message.seq > state.sentThrough {
                guard message.seq <= limit else { break }
                batch.append(message)
                fresh += 1
            }
            if fresh > 0, let last = batch.last {
                // Nothing was outstanding: the stall clock starts now, not at the last acknowledgement (a device
                // reporting every 10 s would otherwise resend whatever was not acknowledged within one tick).
                if state.sentThrough <= state.acked { state.lastProgress = now }
                state.sentThrough = last.seq
            }
            state.statistics.published += UInt64(batch.count)
            return batch
        }
    }

    private func acknowledge(_ ack: Acknowledgement) {
        guard ack.stream == stream else { return }
        let unsent = state.withLock { state -> Bool in
            guard ack.seq > state.acked else { return false }
            state.acked = min(ack.seq, state.nextSeq - 1)
            let drop = state.queue.prefix { $0.seq <= state.acked }.count
            state.queue.removeFirst(drop)
            if state.backoff.attempts > 0 {
                // A stall ended (the probe was answered): what was published after the probe's message may have been
                // shed too, so the rest of the window goes out again — once per stall, not once per period.
                state.sentThrough = state.acked
            }
            state.backoff.progressed()
            state.sentThrough = max(state.sentThrough, state.acked)
            state.lastProgress = ContinuousClock.now
            state.statistics.acknowledged = state.acked
            // Only a step can send what the window now admits; with nothing unsent the device waits for its next report.
            return state.queue.last.map { $0.seq > state.sentThrough } ?? false
        }
        if unsent { scheduler.wake(slot) }
    }

    // MARK: Loops

    /// One step of the device, called by its ``FleetScheduler``: queues the reports (and labels) due by `now`, takes
    /// the chunk requests and the messages the window admits, and says when the next step is due.
    func step(now: ContinuousClock.Instant) -> Step {
        let (running, generating) = state.withLock { ($0.reportStart, $0.generating) }
        guard let start = running else { return Step(messages: [], next: nil) }
        if generating {
            let elapsed = now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let reports = state.withLock { $0.reports }
            // At most 1000 at once, as the old per-device pump did: a stalled simulator catches up over a few steps.
            let due = max(0, min(Int(seconds * settings.reportsPerSecond) - reports, 1000))
            for _ in 0..<due { enqueueTelemetry() }
            if due > 0 { state.withLock { $0.reports += due } }
            if settings.oracle != nil { enqueueLabels() }
        }
        var messages = chunkRequests().map { Outgoing(seq: 0, topic: topics.bundleRequest, payload: $0) }
        messages += takeSendable(now: now)
        return Step(messages: messages, next: nextStep(now: now, start: start))
    }

    /// The next report, the next probe while a stall lasts, and regularly while a download or labels need watching.
    private func nextStep(now: ContinuousClock.Instant, start: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        state.withLock { state in
            var next: ContinuousClock.Instant?
            func consider(_ at: ContinuousClock.Instant) { next = next.map { min($0, at) } ?? at }
            if state.generating { consider(start + .seconds(Double(state.reports + 1) / settings.reportsPerSecond)) }
            if state.sentThrough > state.acked { consider(state.lastProgress + state.backoff.wait + .milliseconds(1)) }
            // A chunk that arrives wakes the device; this only catches requests that timed out.
            if state.download != nil { consider(now + .milliseconds(250)) }
            if settings.oracle != nil, !state.pendingLabels.isEmpty { consider(now + .seconds(1)) }
            return next
        }
    }

    private func receive() async {
        for await message in client.messages { deliver(message) }
    }

    /// Handles one message addressed to this device (from its own connection or routed by a shared one).
    func deliver(_ message: MQTTMessage) {
        if message.topic == topics.ack {
            if let ack = try? FleetCodec.decode(Acknowledgement.self, from: message.payload) { acknowledge(ack) }
        } else if message.topic == topics.commands {
            if let command = try? FleetCodec.decode(Command.self, from: message.payload) { handle(command) }
        } else if let parsed = try? FleetTopics.parse(message.topic), let chunk = parsed.chunk {
            received(chunk: chunk, payload: message.payload)
        }
    }

    // MARK: Messages

    private func publishStatus(_ status: DeviceStatus.State, reason: String?) async throws {
        let (seq, digest) = state.withLock { ($0.nextSeq - 1, $0.bundle?.digest) }
        let payload = try FleetCodec.encode(DeviceStatus(state: status, reason: reason, bundleDigest: digest), device: id, stream: stream,
                                            seq: seq, head: seq, time: Self.now())
        try await client.publish(topic: topics.status, payload: payload, qos: .atLeastOnce, retain: true)
    }

    private func enqueueBirth() {
        let bundle = self.bundle
        let birth = Birth(agentVersion: settings.agentVersion, profile: profile, bundle: bundle,
                          hardware: HardwareInfo(model: "Simulated \(profile)", machine: "aarch64", kernel: "6.6.0-sim", cpuCount: 4,
                                                 memoryBytes: 2 << 30),
                          startedAt: startedAt, telemetryIntervalSeconds: 1 / settings.reportsPerSecond, input: "replay")
        enqueue(topic: topics.birth) { _, seq, head in
            try? FleetCodec.encode(birth, device: id, stream: stream, seq: seq, head: head, time: Self.now())
        }
    }

    private func enqueueTelemetry() {
        let now = Self.now()
        enqueue(topic: topics.telemetry, wake: false) { state, seq, head in
            let report = makeReport(&state, now: now)
            // The agent's encoder: a report the simulator sends is byte for byte what a device would send.
            return try? FleetCodec.encode(report, device: id, stream: stream, seq: seq, head: head, time: now)
        }
        let samples = state.withLock { state in
            defer { state.capturedSamples = [] }
            return state.capturedSamples
        }
        for sample in samples {
            enqueue(topic: topics.samples, wake: false) { _, seq, head in
                try? FleetCodec.encode(sample, device: id, stream: stream, seq: seq, head: head, time: now)
            }
        }
    }

    /// Queues the true labels whose delay has passed, on the samples topic as the agent sends joined labels.
    private func enqueueLabels() {
        let now = Self.now()
        for label in takeDueLabels(now: now) {
            enqueue(topic: topics.samples, wake: false) { _, seq, head in
                try? FleetCodec.encode(label, device: id, stream: stream, seq: seq, head: head, time: now)
            }
        }
    }

    /// A plausible interval: latency wandering around the device's own level, classes drawn from its mix.
    private func makeReport(_ state: inout State, now: Int64) -> TelemetryReport {
        let start = state.lastIntervalEnd
        state.lastIntervalEnd = max(now, start + 1)
        let seconds = Double(state.lastIntervalEnd - start) / 1000
        let throughput = max(0.5, state.random.normal(mean: 1_000_000 / state.baseLatencyMicros * 0.6, deviation: 2))
        let inferences = UInt64(max(1, (throughput * seconds).rounded()))
        let behaviour = state.bundle.flatMap { settings.behaviours[$0.releaseCounter] } ?? .good
        let slowdown = behaviour == .slow ? 3.0 : 1.0
        let p50 = max(500, state.random.normal(mean: state.baseLatencyMicros * slowdown, deviation: state.baseLatencyMicros * slowdown * 0.05))
        let p95 = p50 * Double.random(in: 1.25...1.5, using: &state.random)
        let p99 = p95 * Double.random(in: 1.1...1.3, using: &state.random)
        let maximum = p99 * 1.2
        // Three buckets stand for the HDR histogram: enough for the collector's quantiles, and a report stays near 500 bytes.
        let buckets: [[UInt64]] = [[UInt64(p50), inferences / 2], [UInt64(p95), inferences * 45 / 100],
                                   [UInt64(maximum), inferences - inferences / 2 - inferences * 45 / 100]]
        var predictions = [UInt64](repeating: 0, count: settings.classes)
        let totalWeight = state.classWeights.reduce(0, +)
        var left = inferences
        for index in 0..<settings.classes {
            let share = index == settings.classes - 1 ? left : min(left, UInt64(Double(inferences) * state.classWeights[index] / totalWeight))
            predictions[index] = share
            left -= share
        }
        var confidence = [UInt64](repeating: 0, count: 10)
        // A model that is often wrong is rarely sure: its top scores sit lower.
        let top = behaviour == .wrongLabels ? 4 : 7
        confidence[top] = inferences / 4
        confidence[top + 1] = inferences / 3
        confidence[top + 2] = inferences - confidence[top] - confidence[top + 1]
        let features: [FeatureCounts]
        var capture = CaptureStatistics()
        if let drift = settings.drift {
            let elapsed = Double(state.lastIntervalEnd - startedAt) / 1000
            let drawn = drift.labelledRows(rows: min(Int(inferences), drift.rowsPerReport), seed: state.random.next(),
                                           drifted: drift.reaches(deviceID: id, profile: profile, elapsed: elapsed))
            features = zip(drift.features, drift.counts(drawn.rows)).map { FeatureCounts(name: $0.name, counts: $1) }
            // The simulated model predicts on the rows (the served bundle's model, or the condition each row indicates),
            // so predictions drift where the inputs do and accuracy falls where the model misreads them.
            let observation = observe(&state, rows: drawn.rows, conditions: drawn.conditions, now: now, classes: settings.classes)
            if settings.classes == VibrationScenario.conditions.count || state.classifier != nil { predictions = observation.predictions }
            if let observed = observation.confidence { confidence = observed }
            state.capturedSamples = observation.samples
            capture = state.captureCounts
            state.captureCounts = CaptureStatistics()
        } else {
            features = (0..<settings.features).map { index -> FeatureCounts in
                var counts = [UInt64](repeating: 0, count: 8)
                for _ in 0..<min(inferences, 16) { counts[Int(state.random.next() % 8)] += 1 }
                return FeatureCounts(name: "f\(index)", counts: counts)
            }
        }
        if behaviour == .disagrees, predictions.count > 1, let rarest = predictions.indices.min(by: { predictions[$0] < predictions[$1] }) {
            // Another model's answers: every class reported as the next one, and half of them as the class the
            // champion finds rarest.
            var other = Array(predictions[(predictions.count - 1)...] + predictions[..<(predictions.count - 1)])
            for index in other.indices where index != rarest {
                let moved = other[index] / 2
                other[index] -= moved
                other[rarest] += moved
            }
            predictions = other
        }
        return TelemetryReport(
            intervalStart: start, intervalEnd: state.lastIntervalEnd, bundle: state.bundle, inferences: inferences, errors: 0, droppedInputs: 0,
            throughput: Self.milli(throughput),
            latency: LatencySummary(count: inferences, minMicros: UInt64(p50 * 0.7), meanMicros: Self.milli(p50 * 1.05), p50Micros: UInt64(p50),
                                    p95Micros: UInt64(p95), p99Micros: UInt64(p99), maxMicros: UInt64(maximum), buckets: buckets),
            predictions: predictions, confidence: confidence, features: features,
            resources: ResourceUsage(rssBytes: 40_000_000 + state.random.next() % 8_000_000, cpuCores: Self.milli(Double.random(in: 0.2...0.9, using: &state.random)),
                                     temperatureCelsius: Self.milli(Double.random(in: 45...70, using: &state.random)), throttled: 0),
            queue: QueueStatus(depth: state.queue.count, bytes: state.queue.count * 600, dropped: 0),
            shadow: nil, capture: capture, counters: [:])
    }

    /// Three decimals are plenty for simulated figures and keep reports short (the encoder writes the shortest digits).
    private static func milli(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    private func enqueueUpdate(_ assignment: Assignment, phase: UpdatePhase, previous: UpdatePhase?, release: UInt64 = 0,
                               bytesReceived: Int? = nil, error: ErrorInfo? = nil) {
        let serving = bundle
        let target = BundleReference(name: assignment.name, version: assignment.version, digest: assignment.digest, releaseCounter: release)
        let event = DeviceEvent(name: .updatePhase,
                                update: UpdateProgress(assignmentID: assignment.assignmentID, phase: phase, previousPhase: previous,
                                                       target: target, serving: serving, bytesReceived: bytesReceived),
                                error: error)
        enqueue(topic: topics.events) { _, seq, head in
            try? FleetCodec.encode(event, device: id, stream: stream, seq: seq, head: head, time: Self.now())
        }
    }

    // MARK: Updates

    private func handle(_ command: Command) {
        if command.type == .capture, let request = command.capture {
            raiseCapture(request)
            return
        }
        guard command.type == .assign || command.type == .rollback, let assignment = command.assignment,
              (try? assignment.validate(maximumSize: 256 << 20)) != nil else { return }
        if command.type == .rollback {
            rollBack(to: assignment)
            return
        }
        let start = state.withLock { state -> Bool in
            if state.download?.assignment.assignmentID == assignment.assignmentID || state.bundle?.digest == assignment.digest { return false }
            state.download = Download(assignment: assignment)
            return true
        }
        if start { enqueueUpdate(assignment, phase: .downloading, previous: nil, bytesReceived: 0) }
        scheduler.wake(slot)
    }

    /// Requests for missing chunks: up to four outstanding, re-requested after `chunkTimeout`.
    private func chunkRequests() -> [[UInt8]] {
        state.withLock { state in
            guard var download = state.download else { return [] }
            let assignment = download.assignment
            let now = ContinuousClock.now
            var requests: [[UInt8]] = []
            for (index, at) in download.requested where now - at > settings.chunkTimeout {
                download.requested[index] = nil
            }
            var index = 0
            while download.requested.count < 4, index < assignment.chunkCount {
                if download.chunks[index] == nil, download.requested[index] == nil {
                    download.requested[index] = now
                    let request = ChunkRequest(digest: assignment.digest, index: index, chunkSize: assignment.chunkSize)
                    if let payload = try? FleetCodec.encode(request, device: id, stream: stream, seq: state.nextSeq - 1,
                                                            head: state.queue.first?.seq ?? state.nextSeq, time: Self.now()) {
                        requests.append(payload)
                    }
                }
                index += 1
            }
            state.download = download
            return requests
        }
    }

    private func received(chunk: ParsedTopic.Chunk, payload: [UInt8]) {
        let complete = state.withLock { state -> Download? in
            guard var download = state.download, download.assignment.digest == chunk.digest,
                  chunk.index < download.assignment.chunkCount else { return nil }
            download.chunks[chunk.index] = payload
            download.requested[chunk.index] = nil
            state.download = download
            guard download.chunks.count == download.assignment.chunkCount else { return nil }
            state.download = nil
            return download
        }
        scheduler.wake(slot)
        guard let complete else { return }
        let assignment = complete.assignment
        let bytes = (0..<assignment.chunkCount).flatMap { complete.chunks[$0]! }
        let digest = SHA256.hash(data: bytes).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        guard digest == assignment.digest, bytes.count == assignment.size else {
            enqueueUpdate(assignment, phase: .failed, previous: .downloading, bytesReceived: bytes.count,
                          error: ErrorInfo(code: "digestMismatch", message: "downloaded \(bytes.count) bytes with SHA-256 \(digest)"))
            return
        }
        let release = Self.releaseCounter(of: bytes)
        var previous = UpdatePhase.downloading
        if settings.behaviours[release] == .failsHealthCheck {
            for phase in [UpdatePhase.verifying, .installing, .healthCheck] {
                enqueueUpdate(assignment, phase: phase, previous: previous, release: release, bytesReceived: bytes.count)
                previous = phase
            }
            enqueueUpdate(assignment, phase: .failed, previous: .healthCheck, release: release, bytesReceived: bytes.count,
                          error: ErrorInfo(code: "healthCheck", message: "golden cases out of tolerance (simulated fails-health-check)"))
            return
        }
        for phase in [UpdatePhase.verifying, .installing, .healthCheck, .switching, .probation, .committing, .committed] {
            if phase == .switching {
                let classifier = settings.classifier?(bytes)
                state.withLock {
                    $0.previousBundle = $0.bundle
                    $0.bundle = BundleReference(name: assignment.name, version: assignment.version, digest: assignment.digest, releaseCounter: release)
                    if settings.classifier != nil { $0.classifier = classifier }
                }
            }
            enqueueUpdate(assignment, phase: phase, previous: previous, release: release, bytesReceived: bytes.count)
            previous = phase
        }
        state.withLock { $0.statistics.installed += 1 }
        enqueueBirth()
    }

    /// A rollout's rollback: abandon a download towards another version, and switch back to the previous bundle
    /// if the device serves another one (reported as `rollingBack` → `rolledBack`, then a birth, like the agent).
    private func rollBack(to target: Assignment) {
        let (abandoned, switched) = state.withLock { state -> (Assignment?, BundleReference?) in
            let abandoned = state.download.flatMap { $0.assignment.digest == target.digest ? nil : $0.assignment }
            if abandoned != nil { state.download = nil }
            guard state.bundle?.digest != target.digest else { return (abandoned, nil) }
            let from = state.bundle
            state.bundle = state.previousBundle?.digest == target.digest ? state.previousBundle
                : BundleReference(name: target.name, version: target.version, digest: target.digest, releaseCounter: state.previousBundle?.releaseCounter ?? 0)
            state.previousBundle = from
            return (abandoned, from)
        }
        if let abandoned {
            enqueueUpdate(abandoned, phase: .failed, previous: .downloading, error: ErrorInfo(code: "cancelled", message: "rolled back by the collector"))
        }
        guard let switched else { return }
        let from = Assignment(assignmentID: target.assignmentID, name: switched.name, version: switched.version, digest: switched.digest,
                              size: 1, chunkSize: 1024)
        enqueueUpdate(from, phase: .rollingBack, previous: .committed, release: switched.releaseCounter)
        enqueueUpdate(from, phase: .rolledBack, previous: .rollingBack, release: switched.releaseCounter)
        enqueueBirth()
    }

    /// The manifest's release counter: the manifest is the first section, right after the 16-byte header.
    static func releaseCounter(of bundle: [UInt8]) -> UInt64 {
        struct Manifest: Decodable { var releaseCounter: UInt64 }
        guard bundle.count > 28 else { return 0 }
        var length = 0
        for k in 0..<8 { length |= Int(bundle[20 + k]) << (8 * k) }
        guard length > 0, 28 + length <= bundle.count,
              let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(bundle[28..<(28 + length)])) else { return 0 }
        return manifest.releaseCounter
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
