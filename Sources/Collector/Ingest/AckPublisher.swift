import FleetProtocol
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// Publishes the application-level acknowledgements of stored batches, coalesced per stream.
///
/// Acknowledgements are cumulative, so only the newest per stream matters: while a round of publishes is
/// in flight, later batches overwrite the pending entry instead of queueing behind it. The ingest loop
/// never waits for the broker.
public final class AckPublisher: Service, Sendable {
    private struct Key: Hashable {
        var device: String
        var stream: String
    }

    private struct State {
        var pending: [Key: UInt64] = [:]
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    let client: MQTTClient
    let qos: MQTTQoS
    let metrics: CollectorMetrics
    let logger: Logger
    let maximumInFlight: Int
    private let state = Mutex(State())

    public init(client: MQTTClient, qos: MQTTQoS, metrics: CollectorMetrics, logger: Logger, maximumInFlight: Int = 256) {
        self.client = client
        self.qos = qos
        self.metrics = metrics
        self.logger = logger
        self.maximumInFlight = max(1, maximumInFlight)
    }

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
            while let round = await nextRound() {
                await publish(round)
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

    private func publish(_ round: [(Key, UInt64)]) async {
        await withTaskGroup(of: (Key, UInt64, Bool).self) { group in
            var iterator = round.makeIterator()
            var running = 0
            func startNext() -> Bool {
                guard let (key, seq) = iterator.next() else { return false }
                group.addTask { (key, seq, await self.publishOne(key, seq)) }
                return true
            }
            while running < maximumInFlight, startNext() { running += 1 }
            while let (key, seq, delivered) = await group.next() {
                if delivered {
                    metrics.acknowledgementsPublished.increment()
                } else {
                    // Put it back unless a newer acknowledgement superseded it; the next round retries.
                    state.withLock { state in
                        if !state.closed, (state.pending[key] ?? 0) < seq { state.pending[key] = seq }
                    }
                }
                if !startNext() { running -= 1 }
            }
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
