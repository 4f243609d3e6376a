import Synchronization

/// Where the inference thread records and the telemetry service collects, under one short lock.
///
/// Two ``IntervalStatistics`` take turns: the loop counts into `current` while telemetry encodes the other,
/// then hands it back reset as the spare. Nothing the loop touches is ever shared, so recording never copies
/// (no copy-on-write) and never allocates.
final class StatisticsBoard: Sendable {
    struct State: Sendable {
        var current: IntervalStatistics
        var spare: IntervalStatistics?
        /// Intervals ended early by a model switch, waiting for the next report.
        var finished: [IntervalStatistics] = []
        var probation = ProbationWindow()
        var totalInferences: UInt64 = 0
        var totalErrors: UInt64 = 0
        /// Shadow comparisons since the current shadow model was set.
        var shadowCompared: UInt64 = 0
        var shadowAgreed: UInt64 = 0
    }

    private let state: Mutex<State>

    init(initial: IntervalStatistics) {
        state = Mutex(State(current: initial))
    }

    /// Runs `body` on the live state; keep it short (the inference thread holds this lock once per input).
    func withState<Result>(_ body: (inout State) -> Result) -> Result {
        state.withLock { body(&$0) }
    }

    /// Ends the interval: returns every interval since the last call (one per model that served) and starts a new one.
    func collect(now: Int64, instant: ContinuousClock.Instant) -> [IntervalStatistics] {
        state.withLock { state in
            var next = state.spare ?? state.current
            state.spare = nil
            if next.model != state.current.model || next.predictions.count != state.current.predictions.count {
                next = state.current
            }
            next.reset(startedAt: now, started: instant)
            next.shadow = state.current.shadow
            swap(&next, &state.current)
            var result = state.finished
            state.finished.removeAll()
            result.append(next)
            return result
        }
    }

    /// Gives a collected interval back to be reused as the next spare (if it still fits the serving model).
    func recycle(_ statistics: IntervalStatistics) {
        state.withLock { state in
            if state.spare == nil, statistics.model == state.current.model { state.spare = statistics }
        }
    }

    /// Starts counting for a new model (called by the inference thread at a switch) and resets probation.
    func switchModel(to fresh: IntervalStatistics) {
        state.withLock { state in
            var fresh = fresh
            swap(&fresh, &state.current)
            state.current.shadow = nil
            state.finished.append(fresh)
            state.spare = nil
            state.probation.reset()
        }
    }

    /// Shadow comparisons and agreements since the shadow model was set.
    var shadowCounts: (compared: UInt64, agreed: UInt64) { state.withLock { ($0.shadowCompared, $0.shadowAgreed) } }

    /// Counts since the last switch. A summary, not the histogram: copying the live histogram would make the
    /// inference thread's next write copy it (copy-on-write), an allocation on the hot path.
    var probation: ProbationSummary {
        state.withLock { state in
            let window = state.probation
            return ProbationSummary(inferences: window.inferences, errors: window.errors,
                                    p99Micros: window.latency.totalCount == 0 ? 0 : window.latency.valueAtPercentile(99))
        }
    }
}
