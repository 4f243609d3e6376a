/// Failed authentications per client, as a value: after `limit` failures within `window` milliseconds a client is
/// refused (429) until its oldest counted failure leaves the window, so guessing tokens costs real time.
///
/// Pure state, no clock and no locking: `AuthenticationThrottleGuard` owns one behind a mutex and feeds it the
/// time. Memory is bounded: at most `maximumClients` clients are tracked; past that the stalest are forgotten.
struct AuthenticationThrottle: Sendable, Equatable {
    var limit: Int
    var window: Int64
    var maximumClients: Int
    /// Failure times (milliseconds) per client, oldest first, at most `limit` kept.
    private(set) var failures: [String: [Int64]] = [:]

    init(limit: Int = 10, window: Int64 = 60_000, maximumClients: Int = 10_000) {
        self.limit = max(1, limit)
        self.window = max(1, window)
        self.maximumClients = max(1, maximumClients)
    }

    /// Milliseconds `client` must wait before it may try again, or nil when it may try now.
    mutating func wait(client: String, now: Int64) -> Int64? {
        guard var times = failures[client] else { return nil }
        times.removeAll { now - $0 >= window }
        if times.isEmpty { failures[client] = nil; return nil }
        failures[client] = times
        guard times.count >= limit else { return nil }
        return times[times.count - limit] + window - now
    }

    /// Counts a failed authentication of `client`.
    mutating func recordFailure(client: String, now: Int64) {
        var times = failures[client] ?? []
        times.removeAll { now - $0 >= window }
        times.append(now)
        if times.count > limit { times.removeFirst(times.count - limit) }
        failures[client] = times
        if failures.count > maximumClients { forgetStalest(now: now) }
    }

    private mutating func forgetStalest(now: Int64) {
        failures = failures.filter { _, times in times.last.map { now - $0 < window } ?? false }
        while failures.count > maximumClients, let stalest = failures.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })?.key {
            failures[stalest] = nil
        }
    }
}
