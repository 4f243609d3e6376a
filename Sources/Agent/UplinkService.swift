import FleetProtocol
import Logging
import Metrics
import MQTT
import ServiceLifecycle
import Synchronization

/// Publishes the disk queue in order and trims it as the collector acknowledges.
///
/// At most `window` messages are out without acknowledgement. When acknowledgements stop coming for
/// `resendAfter` (collector down, messages lost before a persistent session existed) or the connection is
/// re-established, publishing restarts from the oldest unacknowledged message: the collector deduplicates by
/// sequence number, so a resend costs bandwidth, never correctness.
final class UplinkService: Service {
    private struct State {
        /// The highest sequence number published in the current round.
        var sentThrough: UInt64 = 0
        /// When acknowledgements last made progress (or a round started).
        var lastProgress = ContinuousClock.now
    }

    private let client: MQTTClient
    private let queue: DiskQueue
    private let window: Int
    private let resendAfter: Duration
    private let logger: Logger
    private let state: Mutex<State>

    init(client: MQTTClient, queue: DiskQueue, window: Int, resendAfter: Duration, logger: Logger) {
        self.client = client
        self.queue = queue
        self.window = window
        self.resendAfter = resendAfter
        self.logger = logger
        self.state = Mutex(State(sentThrough: queue.acknowledged))
    }

    /// Handles an acknowledgement from the ack topic (dispatch task).
    func acknowledge(_ payload: [UInt8]) {
        let acknowledgement: Acknowledgement
        do { acknowledgement = try FleetCodec.decode(Acknowledgement.self, from: payload) } catch {
            logger.warning("ignoring a malformed acknowledgement", metadata: ["error": "\(error)"])
            return
        }
        guard acknowledgement.stream == queue.stream else {
            logger.debug("ignoring an acknowledgement for another stream", metadata: ["stream": "\(acknowledgement.stream)"])
            return
        }
        do {
            let before = queue.acknowledged
            let removed = try queue.acknowledge(through: acknowledgement.seq)
            Counter(label: "edge_agent_acknowledged_total").increment(by: removed)
            if queue.acknowledged > before {
                state.withLock { state in
                    state.lastProgress = .now
                    state.sentThrough = max(state.sentThrough, queue.acknowledged)
                }
            }
        } catch {
            logger.error("cannot trim the disk queue", metadata: ["error": "\(error)"])
        }
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { await self.restartRoundOnReconnect() }
                    try await self.publishLoop()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
            // The graceful shutdown: what is unacknowledged stays in the disk queue for the next start.
        }
    }

    private func restartRoundOnReconnect() async {
        for await connectionState in client.stateChanges() {
            if case .connected = connectionState { restartRound() }
        }
    }

    private func restartRound() {
        state.withLock { state in
            state.sentThrough = queue.acknowledged
            state.lastProgress = .now
        }
        queue.changes.signal()
    }

    private func publishLoop() async throws {
        while !Task.isCancelled {
            guard client.state.isConnected else {
                _ = await queue.changes.wait(timeout: .milliseconds(200))
                continue
            }
            let (sentThrough, lastProgress) = state.withLock { ($0.sentThrough, $0.lastProgress) }
            let acknowledged = queue.acknowledged
            let outstanding = sentThrough > acknowledged
            if outstanding, ContinuousClock.now - lastProgress > resendAfter {
                logger.info("no acknowledgement progress; publishing unacknowledged messages again",
                            metadata: ["from": "\(queue.head)", "through": "\(sentThrough)"])
                Counter(label: "edge_agent_resend_rounds_total").increment()
                restartRound()
                continue
            }
            let inFlight = outstanding ? Int(clamping: sentThrough - acknowledged) : 0
            guard inFlight < window, let next = queue.next(after: max(sentThrough, acknowledged)) else {
                let remaining = resendAfter - (ContinuousClock.now - lastProgress)
                _ = await queue.changes.wait(timeout: outstanding ? max(remaining, .milliseconds(10)) : .seconds(1))
                continue
            }
            let message: DiskQueue.Message
            do {
                guard let stored = try queue.message(next) else { continue }
                message = stored
            } catch {
                // Only a damaged disk gets here; dropping the message keeps the stream moving (counted as dropped).
                logger.error("dropping an unreadable queued message", metadata: ["seq": "\(next)", "error": "\(error)"])
                queue.discard(next)
                continue
            }
            do {
                try await client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce)
                Counter(label: "edge_agent_published_total").increment()
                state.withLock { state in
                    if state.sentThrough < next {
                        if state.sentThrough <= queue.acknowledged { state.lastProgress = .now }
                        state.sentThrough = next
                    }
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.debug("publish failed; will retry", metadata: ["seq": "\(next)", "error": "\(error)"])
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
