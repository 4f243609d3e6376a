import Synchronization

/// A bounded hand-off between the MQTT reader and the batch writer.
///
/// The writer takes everything waiting (up to a batch) at once, so batches grow by themselves while a
/// commit is in progress: group commit without a timer. When full, the reader waits, the MQTT client's
/// buffer fills and drops, and agents resend what was never acknowledged.
public final class IngestQueue: Sendable {
    private struct State {
        var items: [IngestMessage] = []
        var consumer: CheckedContinuation<Void, Never>?
        var producers: [CheckedContinuation<Void, Never>] = []
        var finished = false
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Messages waiting.
    public var count: Int { state.withLock { $0.items.count } }

    /// Appends a message, waiting while the queue is full; returns false once the queue is finished.
    @discardableResult
    public func push(_ item: IngestMessage) async -> Bool {
        while true {
            let outcome: (accepted: Bool?, wake: CheckedContinuation<Void, Never>?) = state.withLock { state in
                if state.finished { return (false, nil) }
                guard state.items.count < capacity else { return (nil, nil) }
                state.items.append(item)
                let consumer = state.consumer
                state.consumer = nil
                return (true, consumer)
            }
            outcome.wake?.resume()
            if let accepted = outcome.accepted { return accepted }
            if Task.isCancelled { return false }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.finished || state.items.count < capacity { return true }
                    state.producers.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Up to `maximum` messages in arrival order, waiting for at least one; nil once finished and drained.
    public func nextBatch(maximum: Int) async -> [IngestMessage]? {
        while true {
            let outcome: (batch: [IngestMessage]?, done: Bool, wake: [CheckedContinuation<Void, Never>]) = state.withLock { state in
                if !state.items.isEmpty {
                    let batch: [IngestMessage]
                    if state.items.count <= maximum {
                        batch = state.items
                        state.items = []
                        state.items.reserveCapacity(min(capacity, 4096))
                    } else {
                        batch = Array(state.items.prefix(maximum))
                        state.items.removeFirst(maximum)
                    }
                    let producers = state.producers
                    state.producers = []
                    return (batch, false, producers)
                }
                return (nil, state.finished, [])
            }
            for producer in outcome.wake { producer.resume() }
            if let batch = outcome.batch { return batch }
            if outcome.done { return nil }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.finished || !state.items.isEmpty { return true }
                    state.consumer = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// No more pushes; the consumer drains what is left and then gets nil.
    public func finish() {
        let (consumer, producers) = state.withLock { state in
            state.finished = true
            let result = (state.consumer, state.producers)
            state.consumer = nil
            state.producers = []
            return result
        }
        consumer?.resume()
        for producer in producers { producer.resume() }
    }
}
