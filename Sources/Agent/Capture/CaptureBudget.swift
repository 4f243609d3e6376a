/// A token bucket: `perHour` captures refilled continuously, at most `burst` saved up. Allocation-free.
struct CaptureBudget {
    private let perNanosecond: Double
    private let burst: Double
    private var tokens: Double
    private var last: UInt64

    init(perHour: Double, burst: Int, now: UInt64) {
        perNanosecond = perHour / 3_600_000_000_000
        self.burst = Double(burst)
        tokens = Double(burst)
        last = now
    }

    /// Takes one capture from the budget if there is one.
    mutating func take(now: UInt64) -> Bool {
        if now > last {
            tokens = min(burst, tokens + Double(now - last) * perNanosecond)
            last = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
