import Foundation
import FleetProtocol
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// Reads the fleet's messages, validates them, stores them in batched transactions and acknowledges them.
///
/// Two loops share a bounded ``IngestQueue``: the reader decodes (and routes chunk requests to
/// distribution), the writer commits whatever has accumulated and only then schedules acknowledgements.
/// A failing store (disk full, database locked) pauses the writer, which retries with backoff; nothing
/// is acknowledged that is not committed, so agents resend anything lost in between.
public final class IngestService: Service, Sendable {
    let client: MQTTClient
    let store: any IngestStore
    let clock: any WallClock
    let acknowledgements: AckPublisher
    let distribution: DistributionService?
    let settings: IngestSettings
    let metrics: CollectorMetrics
    let logger: Logger
    let queue: IngestQueue
    private let shuttingDown = Atomic<Bool>(false)
    private let storedTotal = Atomic<Int>(0)
    private let rejectedTotal = Atomic<Int>(0)
    private let rejectionLog = RateLimitedLog(perSecond: 5)

    public init(client: MQTTClient, store: any IngestStore, acknowledgements: AckPublisher, distribution: DistributionService?,
                settings: IngestSettings, metrics: CollectorMetrics, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.client = client
        self.store = store
        self.clock = clock
        self.acknowledgements = acknowledgements
        self.distribution = distribution
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.queue = IngestQueue(capacity: settings.queueCapacity)
    }

    /// Messages stored since start (replays excluded).
    public var storedMessages: Int { storedTotal.load(ordering: .relaxed) }
    /// Messages rejected since start.
    public var rejectedMessages: Int { rejectedTotal.load(ordering: .relaxed) }

    public func run() async throws {
        // The reader is cancelled rather than wrapped in `cancelOnGracefulShutdown()`: that sequence adds a task
        // hop per message, which at tens of thousands of messages a second is most of a core.
        let reader = Task { await self.readLoop() }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await self.writeLoop()
            } onCancel: {
                reader.cancel()
                self.queue.finish()
            }
        } onGracefulShutdown: {
            self.shuttingDown.store(true, ordering: .relaxed)
            reader.cancel()
            self.queue.finish()
        }
        await reader.value
    }

    private func readLoop() async {
        let decoder = MessageDecoder(maximumPayloadBytes: settings.maximumPayloadBytes)
        for await message in client.messages {
            metrics.received.increment()
            do {
                switch try decoder.decode(topic: message.topic, payload: message.payload) {
                case .store(let item):
                    guard await queue.push(item) else { return }
                    metrics.queueDepth.record(queue.count)
                case .chunkRequest(let device, let request):
                    distribution?.submit(deviceID: device, request: request)
                case .ignore:
                    break
                }
            } catch {
                reject(error, topic: message.topic)
            }
        }
        queue.finish()
    }

    func reject(_ rejection: IngestRejection, topic: String) {
        metrics.rejected(rejection.reason)
        rejectedTotal.add(1, ordering: .relaxed)
        if let suppressed = rejectionLog.permit() {
            logger.warning("rejected a message", metadata: [
                "topic": "\(topic)", "reason": "\(rejection.reason.rawValue)", "error": "\(rejection.message)",
                "suppressed": "\(suppressed)",
            ])
        }
    }

    private func writeLoop() async {
        var lastCommit = ContinuousClock.now - .seconds(1)
        let linger = Duration.milliseconds(settings.lingerMilliseconds)
        while var batch = await queue.nextBatch(maximum: settings.maximumBatch) {
            // Commits start at most once per linger period: under load batches grow, so the per-device work of a
            // commit (streams, rollups, latest figures) is shared by many messages; idle, a message waits at most that long.
            let due = lastCommit + linger
            if batch.count < settings.maximumBatch, ContinuousClock.now < due, !shuttingDown.load(ordering: .relaxed) {
                try? await Task.sleep(until: due, clock: .continuous)
                if queue.count > 0, let more = await queue.nextBatch(maximum: settings.maximumBatch - batch.count) { batch += more }
            }
            lastCommit = ContinuousClock.now
            metrics.queueDepth.record(queue.count)
            guard let outcome = await storeWithRetry(batch) else {
                // Shutting down and the store refuses: draining the rest of the queue would wait for it batch by
                // batch (a lock or connection timeout each) and hold up the stop. Nothing of it is acknowledged,
                // so the devices resend it after the restart.
                if shuttingDown.load(ordering: .relaxed) {
                    logger.warning("shutting down with unstored messages; devices will resend them", metadata: ["messages": "\(queue.count)"])
                    break
                }
                continue
            }
            metrics.stored.increment(by: outcome.stored)
            storedTotal.add(outcome.stored, ordering: .relaxed)
            metrics.duplicates.increment(by: outcome.duplicates)
            for (reason, count) in outcome.quarantined { metrics.quarantined(reason, count: count) }
            metrics.batchSize.record(batch.count)
            recordCommitted(batch, at: clock.now())
            acknowledgements.enqueue(outcome.acknowledgements)
            if let distribution {
                // One lookup for the batch's births, not one per device (100,000 at a fleet's first contact).
                distribution.devicesReborn(batch.compactMap { $0.header.kind == .birth ? $0.header.device : nil })
            }
        }
    }

    /// Stores a batch, pausing ingest while the store refuses; nil when shutdown interrupted the retries.
    func storeWithRetry(_ batch: [IngestMessage]) async -> IngestOutcome? {
        var attempt = 0
        var paused = false
        while true {
            let started = ContinuousClock.now
            do {
                let outcome = try await store.ingest(batch, receivedAt: clock.now(), limits: settings.ledgerLimits)
                metrics.batchCommit.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                if paused {
                    metrics.ingestPaused.record(0)
                    logger.info("storage recovered; ingest resumed", metadata: ["attempts": "\(attempt + 1)"])
                }
                return outcome
            } catch {
                metrics.storeFailed(error.code)
                if !paused {
                    paused = true
                    metrics.ingestPaused.record(1)
                    logger.error("storing a batch failed; ingest paused and retrying", metadata: [
                        "code": "\(error.code.rawValue)", "error": "\(error.message)", "messages": "\(batch.count)",
                    ])
                }
                if shuttingDown.load(ordering: .relaxed) {
                    // Unacknowledged: agents resend these after the restart.
                    logger.warning("shutting down with an unstored batch; agents will resend it", metadata: ["messages": "\(batch.count)"])
                    return nil
                }
                if error.code != .storageFull, error.code != .storageBusy, attempt >= 3, batch.count > 1 {
                    return await isolatePoison(batch)
                }
                try? await Task.sleep(for: .milliseconds(min(5_000, 50 << min(attempt, 7))))
                attempt += 1
            }
        }
    }

    /// A batch that keeps failing for a reason other than space or locks: store messages one by one and
    /// drop (and count) those that cannot be stored, so one bad message cannot stop the fleet's ingest.
    private func isolatePoison(_ batch: [IngestMessage]) async -> IngestOutcome? {
        var total = IngestOutcome()
        for message in batch {
            while true {
                do {
                    let outcome = try await store.ingest([message], receivedAt: clock.now(), limits: settings.ledgerLimits)
                    total.stored += outcome.stored
                    total.duplicates += outcome.duplicates
                    total.quarantined.merge(outcome.quarantined, uniquingKeysWith: +)
                    total.acknowledgements += outcome.acknowledgements
                    break
                } catch where error.code == .storageFull || error.code == .storageBusy {
                    if shuttingDown.load(ordering: .relaxed) { return nil }
                    try? await Task.sleep(for: .milliseconds(500))
                } catch {
                    reject(IngestRejection(.unstorable, error.message), topic: "\(message.header.device)/\(message.header.kind.rawValue)")
                    break
                }
            }
        }
        return total
    }


}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
