extension MQTTConfiguration {
    /// Capped exponential backoff with jitter between reconnection attempts.
    ///
    /// Attempt `n` (0-based) waits `min(maximum, minimum * 2^n)`, less a random fraction of up to
    /// `jitter` of it, so a fleet that lost its broker at the same instant does not return in lockstep.
    public struct ReconnectBackoff: Sendable, Hashable {
        /// The delay before the first retry.
        public var minimum: Duration
        /// The cap that delays stop growing at.
        public var maximum: Duration
        /// The largest fraction (0...1) removed at random from each delay.
        public var jitter: Double

        /// Creates a backoff; the defaults retry after about half a second and at most once a minute.
        public init(minimum: Duration = .milliseconds(500), maximum: Duration = .seconds(60), jitter: Double = 0.25) {
            self.minimum = minimum
            self.maximum = maximum
            self.jitter = jitter
        }

        /// The delay before reconnection attempt `attempt` (0 for the first retry).
        public func delay(attempt: Int) -> Duration {
            var generator = SystemRandomNumberGenerator()
            return delay(attempt: attempt, using: &generator)
        }

        /// The delay before reconnection attempt `attempt`, drawing the jitter from `generator`.
        public func delay<Generator: RandomNumberGenerator>(attempt: Int, using generator: inout Generator) -> Duration {
            var base = minimum
            var doublings = 0
            // Doubling stops at the cap, so large attempt counts neither loop long nor overflow.
            while doublings < attempt, base < maximum {
                base = base * 2
                doublings += 1
            }
            base = min(base, maximum)
            let fraction = min(max(jitter, 0), 1)
            guard fraction > 0 else { return base }
            return base * (1 - fraction * Double.random(in: 0...1, using: &generator))
        }
    }
}
