import Bundles
import FleetProtocol
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Turns inputs the inference loop captured into compressed samples on the samples topic, and joins
/// ground-truth labels from the feedback topic with the samples they name.
final class CaptureService: Service {
    private struct Remembered {
        var predicted: Int
        var digest: String
    }

    private struct State {
        var remembered: [String: Remembered] = [:]
        /// Sample IDs in capture order, to forget the oldest first.
        var order: [String] = []
        var counter: UInt64 = 0
        var counts = CaptureStatistics()
        var unmatchedLabels = RateLimiter(limit: CaptureService.unmatchedLabelsPerMinute, per: .seconds(60))
    }

    /// Label records for unknown samples queued per minute at most.
    static let unmatchedLabelsPerMinute = 10

    private let buffer: CaptureBuffer
    private let outbox: Outbox
    private let remember: Int
    private let logger: Logger
    private let state = Mutex(State())
    /// Warnings a peer can trigger (malformed feedback), once a minute.
    private let throttle = LogThrottle(limit: 1, per: .seconds(60))

    init(buffer: CaptureBuffer, outbox: Outbox, remember: Int, logger: Logger) {
        self.buffer = buffer
        self.outbox = outbox
        self.remember = remember
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.buffer.filled.wait(timeout: .seconds(1))
                self.drain()
            }
        }
        drain()
    }

    /// Compresses and queues every captured input.
    func drain() {
        for captured in buffer.take() {
            let id = state.withLock { state -> String in
                state.counter += 1
                return "\(outbox.topics.deviceID)-\(outbox.queue.stream)-\(SystemProbe.nowMilliseconds())-\(state.counter)"
            }
            var tensors: [CapturedTensor] = []
            for (bytes, info) in zip(captured.inputs, captured.tensors) {
                if let compressed = try? Zlib.compress(bytes) {
                    tensors.append(CapturedTensor(dtype: info.type.name, shape: info.shape, length: bytes.count, data: compressed))
                } else {
                    tensors.append(CapturedTensor(dtype: info.type.name, shape: info.shape, length: bytes.count, compression: "none", data: bytes))
                }
            }
            let record = SampleRecord(sampleID: id, bundle: captured.model, reason: captured.reason,
                                      predictedClass: captured.predicted, confidence: captured.score, inputs: tensors,
                                      output: captured.output)
            guard outbox.enqueue(record) else { continue }
            state.withLock { state in
                state.remembered[id] = Remembered(predicted: captured.predicted, digest: captured.model.digest)
                state.order.append(id)
                if state.order.count > remember {
                    let forgotten = state.order.removeFirst()
                    state.remembered[forgotten] = nil
                }
            }
        }
    }

    /// Joins a label with its sample and queues the result (dispatch task).
    ///
    /// Malformed feedback is counted (`edge_agent_feedback_ignored_total{reason=malformed}`) and logged at most
    /// once a minute. Labels naming no remembered sample are counted in `capture.unmatched`, but at most
    /// ``unmatchedLabelsPerMinute`` a minute are queued (the rest: `reason=unmatchedOverLimit`), so a peer
    /// cannot fill the disk queue with them; their sample IDs are truncated.
    func feedback(_ payload: [UInt8]) {
        let feedback: Feedback
        do { feedback = try FleetCodec.decode(Feedback.self, from: payload) } catch {
            Counter(label: "edge_agent_feedback_ignored_total", dimensions: [("reason", "malformed")]).increment()
            throttle.warning("malformed", "ignoring malformed feedback",
                             metadata: ["error": "\(String(describing: error).networkText(limit: 2 * String.networkTextLimit))"],
                             logger: logger)
            return
        }
        // nil: an unmatched label over the limit, counted only.
        let outcome = state.withLock { state -> Remembered?? in
            if let sample = state.remembered[feedback.sampleID] {
                state.counts.labeled += 1
                if sample.predicted == feedback.label { state.counts.correct += 1 }
                return .some(sample)
            }
            state.counts.unmatched += 1
            guard case .admitted = state.unmatchedLabels.admit(at: .now) else { return nil }
            return .some(nil)
        }
        guard let sample = outcome else {
            Counter(label: "edge_agent_feedback_ignored_total", dimensions: [("reason", "unmatchedOverLimit")]).increment()
            return
        }
        outbox.enqueue(LabelRecord(sampleID: sample == nil ? feedback.sampleID.networkText() : feedback.sampleID,
                                   label: feedback.label, matched: sample != nil,
                                   predictedClass: sample?.predicted, correct: sample.map { $0.predicted == feedback.label },
                                   bundleDigest: sample?.digest))
    }

    /// Label counts since the last call, for telemetry.
    func takeCounts() -> CaptureStatistics {
        state.withLock { state in
            defer { state.counts = CaptureStatistics() }
            return state.counts
        }
    }

}
