import Logging
import Synchronization

/// Rate-limited warnings: at most `limit` lines per `period` for each key, the next line after a quiet spell
/// saying how many were left out.
///
/// For warnings a peer can trigger at will (malformed or forged messages): counters record every occurrence,
/// the log only a sample. Thread-safe (a ``RateLimiter`` per key under a `Mutex`); keys are a small fixed set
/// chosen by the code, never text from the network.
public final class LogThrottle: Sendable {
    public let limit: Int
    public let period: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let limiters = Mutex<[String: RateLimiter]>([:])

    /// At most `limit` lines per key in any `period`; `now` is the clock (injected by tests).
    public init(limit: Int = 1, per period: Duration = .seconds(60),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.limit = limit
        self.period = period
        self.now = now
    }

    /// Whether a line under `key` may be written now (see ``RateLimiter/admit(at:)``).
    public func admit(_ key: String) -> RateLimiter.Admission {
        let instant = now()
        return limiters.withLock { limiters in
            var limiter = limiters[key] ?? RateLimiter(limit: limit, per: period)
            defer { limiters[key] = limiter }
            return limiter.admit(at: instant)
        }
    }

    /// Logs a warning under `key` unless the key is over its limit; adds `suppressed` when lines were left out.
    public func warning(_ key: String, _ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata = [:],
                        logger: Logger) {
        guard case .admitted(let suppressed) = admit(key) else { return }
        var metadata = metadata()
        if suppressed > 0 { metadata["suppressed"] = "\(suppressed)" }
        logger.warning(message(), metadata: metadata)
    }
}
