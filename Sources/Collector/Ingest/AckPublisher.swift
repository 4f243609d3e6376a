import FleetProtocol
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// Publishes the application-level acknowledgements of stored batches, coalesced per stream.
///
/// Acknowledgements are cumulative, so only the newest per stream matters: what waits to be published is one
/// entry per stream, which later batches overwrite. Publishes are pipelined: up to `maximumInFlight` wait for
/// their PUBACK at once, and a stream's next acknowledgement goes out without waiting for the previous one's
/// PUBACK. Why: the broker's PUBACK travels behind the telemetry it is delivering to the collector, so a round that
/// waited for all of its PUBACKs held the next acknowledgements back by that backlog. (At idle the rate the bench
/// measures did not move with this alone; the latency that capped it was Nagle's algorithm, see
/// ``MQTTConfiguration/tcpNoDelay``.) Devices ignore an acknowledgement below what they already have, so the order
/// in which two of them land does not matter.
/// The ingest loop never waits for the broker.
public final class AckPublisher: Service, Sendable {
    private struct Key: Hashable {
        var device: String
        var stream: String
    }

    private struct State {
        var pending: [Key: UInt64] = [:]
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
        /// Publishes waiting for their PUBACK.
        var inFlight = 0
        /// The run loop, waiting for a free slot.
        var slotWaiter: CheckedContinuation<Void, Never>?
    }

    let client: MQTTClient
    let qos: MQTTQoS
    let metrics: CollectorMetrics
    let logger: Logger
    let maximumInFlight: Int
    private let state = Mutex(State())

    /// Acknowledgements awaiting their PUBACK at once, by default.
    public static let defaultMaximumInFlight = 256

    public init(client: MQTTClient, qos: MQTTQoS, metrics: CollectorMetrics, logger: Logger,
                maximumInFlight: Int = AckPublisher.defaultMaximumInFlight) {
        self.client = client
        self.qos = qos
        self.metrics = metrics
        self.logger = logger
        self.maximumInFlight = max(1, maximumInFlight)
    }

    /// Publishes waiting for their PUBACK now (for tests and diagnostics).
    var publishesInFlight: Int { state.withLock { $0.inFlight } }

    /// Schedules acknowledgements; a higher sequence number for the same stream replaces a pending one.
    public func enqueue(_ acknowledgements: [StreamAcknowledgement]) {
        guard !acknowledgements.isEmpty else { return }
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            for ack in acknowledgements {
                let key = Key(device: ack.deviceID, stream: ack.stream)
                state.pending[key] = max(state.pending[key] ?? 0, ack.seq)
            }
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                while let round = await nextRound() {
                    for (key, seq) in round {
                        await acquireSlot()
                        group.addTask {
                            await self.publish(key, seq)
                            self.releaseSlot()
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.closed = true
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }
            waiter?.resume()
        }
    }

    /// Everything pending, waiting for something; nil once closed and empty.
    private func nextRound() async -> [(Key, UInt64)]? {
        while true {
            let round = state.withLock { state -> [(Key, UInt64)]?? in
                if !state.pending.isEmpty {
                    let round = state.pending.map { ($0.key, $0.value) }
                    state.pending.removeAll(keepingCapacity: true)
                    return round
                }
                return state.closed ? .some(nil) : nil
            }
            if let round { return round }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.pending.isEmpty || state.closed { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Waits until fewer than `maximumInFlight` publishes await their PUBACK, then takes a slot.
    private func acquireSlot() async {
        if state.withLock({ state -> Bool in
            guard state.inFlight < maximumInFlight else { return false }
            state.inFlight += 1
            return true
        }) { return }
        await withCheckedContinuation { continuation in
            let acquired = state.withLock { state -> Bool in
                guard state.inFlight < maximumInFlight else {
                    state.slotWaiter = continuation
                    return false
                }
                state.inFlight += 1
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    /// Frees a slot; a waiting run loop takes it over directly.
    private func releaseSlot() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.slotWaiter else {
                state.inFlight -= 1
                return nil
            }
            state.slotWaiter = nil
            return waiter
        }
        waiter?.resume()
    }

    private func publish(_ key: Key, _ seq: UInt64) async {
        if await publishOne(key, seq) {
            metrics.acknowledgementsPublished.increment()
        } else {
            // Put it back unless a newer acknowledgement superseded it; the next round retries.
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard !state.closed, (state.pending[key] ?? 0) < seq else { return nil }
                state.pending[key] = seq
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }
            waiter?.resume()
        }
    }

    private func publishOne(_ key: Key, _ seq: UInt64) async -> Bool {
        do {
            let topic = try DeviceTopics(deviceID: key.device).ack
            let payload = try FleetCodec.encode(Acknowledgement(stream: key.stream, seq: seq))
            try await client.publish(topic: topic, payload: payload, qos: qos)
            return true
        } catch {
            logger.debug("acknowledgement not published", metadata: ["device": "\(key.device)", "error": "\(error)"])
            if !(error is CancellationError) { try? await Task.sleep(for: .milliseconds(200)) }
            return false
        }
    }
}
