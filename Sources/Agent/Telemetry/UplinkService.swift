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
    /// Warnings a peer can trigger (malformed or forged acknowledgements): once a minute per reason.
    private let throttle = LogThrottle(limit: 1, per: .seconds(60))

    init(client: MQTTClient, queue: DiskQueue, window: Int, resendAfter: Duration, logger: Logger) {
        self.client = client
        self.queue = queue
        self.window = window
        self.resendAfter = resendAfter
        self.logger = logger
        self.state = Mutex(State(sentThrough: queue.acknowledged))
    }

    /// Handles an acknowledgement from the ack topic (dispatch task).
    ///
    /// Only what the ledger accepts trims the queue (this stream, at most the highest published number). The
    /// rest is counted in `edge_agent_acknowledgements_ignored_total{reason=…}` and, except for stale ones
    /// (normal with resends), logged at most once a minute per reason.
    func acknowledge(_ payload: [UInt8]) {
        let acknowledgement: Acknowledgement
        do { acknowledgement = try FleetCodec.decode(Acknowledgement.self, from: payload) } catch {
            Self.countIgnored("malformed")
            throttle.warning("malformed", "ignoring a malformed acknowledgement",
                             metadata: ["error": "\(String(describing: error).networkText(limit: 2 * String.networkTextLimit))"], logger: logger)
            return
        }
        let decision: UplinkLedger.Decision
        do { decision = try queue.acknowledge(stream: acknowledgement.stream, through: acknowledgement.seq) } catch {
            logger.error("cannot trim the disk queue", metadata: ["error": "\(error)"])
            return
        }
        switch decision {
        case .accepted(let through, let removed):
            Counter(label: "edge_agent_acknowledged_total").increment(by: removed.count)
            state.withLock { state in
                state.lastProgress = .now
                state.sentThrough = max(state.sentThrough, through)
            }
        case .ignored(let reason):
            Self.countIgnored(reason.rawValue)
            guard reason != .stale else { return }
            throttle.warning(reason.rawValue, reason == .otherStream
                                 ? "ignoring an acknowledgement for another stream"
                                 : "ignoring an acknowledgement beyond the highest published sequence number",
                             metadata: [
                                 "stream": "\(acknowledgement.stream.networkText())", "seq": "\(acknowledgement.seq)",
                                 "published": "\(queue.publishedThrough)",
                             ], logger: logger)
        }
    }

    private static func countIgnored(_ reason: String) {
        Counter(label: "edge_agent_acknowledgements_ignored_total", dimensions: [("reason", reason)]).increment()
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
        // The published watermark, so acknowledgements after the restart need no resend (see DiskQueue).
        do { try queue.checkpoint() } catch {
            logger.error("cannot persist the published watermark", metadata: ["error": "\(error)"])
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
            // Before the publish: the collector's acknowledgement can overtake the broker's PUBACK. A publish that
            // then fails is sent again; only an acknowledgement of a number never handed out is beyond the watermark.
            queue.markPublished(next)
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
