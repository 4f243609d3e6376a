import Synchronization

/// The collector's one `AuthenticationThrottle`, shared by the dashboard's and the API's authenticators.
///
/// Thread-safe (a mutex around the value); the clock is injected so tests can move time.
final class AuthenticationThrottleGuard: Sendable {
    private let state: Mutex<AuthenticationThrottle>
    private let clock: any WallClock

    init(limit: Int, windowSeconds: Int, clock: any WallClock) {
        state = Mutex(AuthenticationThrottle(limit: limit, window: Int64(windowSeconds) * 1000))
        self.clock = clock
    }

    /// Throws `APIThrottled` when `client` has failed too often lately.
    func check(client: String) throws(APIThrottled) {
        let now = clock.now()
        if let wait = state.withLock({ $0.wait(client: client, now: now) }) {
            throw APIThrottled(retryAfterSeconds: Int((wait + 999) / 1000))
        }
    }

    func recordFailure(client: String) {
        let now = clock.now()
        state.withLock { $0.recordFailure(client: client, now: now) }
    }
}
