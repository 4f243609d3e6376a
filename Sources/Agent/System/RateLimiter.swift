/// "At most `limit` per `period`", over any sliding window: a plain value with the time passed in.
///
/// No clock of its own (callers pass `now`, tests pass made-up instants) and no lock: keep it inside an actor,
/// a `Mutex` or a ``LogThrottle``. It remembers the instants of the last `limit` admissions, so memory is bounded
/// by `limit`, and it counts what it refused since the last admission so that the next admitted line or event can
/// say how many were left out.
public struct RateLimiter: Sendable, Equatable {
    /// The answer to one request.
    public enum Admission: Sendable, Equatable {
        /// Go ahead; `suppressed` requests were refused since the last admission.
        case admitted(suppressed: Int)
        /// Over the limit: only count it.
        case refused
    }

    public let limit: Int
    public let period: Duration
    /// Instants of the admissions within the last period, oldest first (at most `limit`).
    private var recent: [ContinuousClock.Instant] = []
    /// Requests refused since the last admission.
    public private(set) var suppressed = 0

    /// At most `limit` admissions (≥ 1) in any window of length `period`.
    public init(limit: Int, per period: Duration) {
        precondition(limit >= 1, "a rate limiter admits at least one request per period")
        self.limit = limit
        self.period = period
    }

    /// Admits a request at `now` when fewer than `limit` were admitted in the `period` before it.
    ///
    /// Instants are expected not to go backwards (a monotonic clock); one that does is still answered, against
    /// the admissions remembered.
    public mutating func admit(at now: ContinuousClock.Instant) -> Admission {
        while let oldest = recent.first, now - oldest >= period { recent.removeFirst() }
        guard recent.count < limit else {
            suppressed += 1
            return .refused
        }
        recent.append(now)
        defer { suppressed = 0 }
        return .admitted(suppressed: suppressed)
    }
}
