import Synchronization

/// Lets a few log lines per second through and counts the rest, so a flood of bad input cannot flood the log.
final class RateLimitedLog: Sendable {
    private struct State {
        var windowStart = ContinuousClock.now
        var permitted = 0
        var suppressed = 0
    }

    let perSecond: Int
    private let state = Mutex(State())

    init(perSecond: Int) { self.perSecond = perSecond }

    /// The number of lines suppressed since the last permitted one, or nil if this one is suppressed too.
    func permit() -> Int? {
        state.withLock { state in
            let now = ContinuousClock.now
            if now - state.windowStart >= .seconds(1) {
                state.windowStart = now
                state.permitted = 0
            }
            guard state.permitted < perSecond else {
                state.suppressed += 1
                return nil
            }
            state.permitted += 1
            defer { state.suppressed = 0 }
            return state.suppressed
        }
    }
}
