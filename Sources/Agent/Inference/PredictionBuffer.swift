import Synchronization

/// A fixed ring of recent predictions, filled by the inference thread, drained in batches by the MQTT output.
///
/// Overwrites the oldest when the drain falls behind (the predictions topic is best-effort, QoS 0).
final class PredictionBuffer: Sendable {
    private struct State {
        var ring: [Prediction]
        var start = 0
        var count = 0
        var overwritten: UInt64 = 0
    }

    private let state: Mutex<State>

    init(capacity: Int = 4096) {
        state = Mutex(State(ring: [Prediction](repeating: Prediction(number: 0, predicted: 0, score: 0), count: capacity)))
    }

    /// Records a prediction; allocation-free.
    func push(_ prediction: Prediction) {
        state.withLock { state in
            let capacity = state.ring.count
            if state.count == capacity {
                state.start = (state.start + 1) % capacity
                state.count -= 1
                state.overwritten &+= 1
            }
            state.ring[(state.start + state.count) % capacity] = prediction
            state.count += 1
        }
    }

    /// Takes everything buffered, oldest first.
    func drain() -> [Prediction] {
        state.withLock { state in
            var result: [Prediction] = []
            result.reserveCapacity(state.count)
            for offset in 0..<state.count { result.append(state.ring[(state.start + offset) % state.ring.count]) }
            state.start = 0
            state.count = 0
            return result
        }
    }
}
