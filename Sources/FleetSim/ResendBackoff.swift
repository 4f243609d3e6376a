/// When a simulated device publishes a stalled message again: the first time `resendAfter` after acknowledgements
/// stopped progressing, then each wait doubled up to `maximumFactor × resendAfter`, every wait jittered.
///
/// Why: a collector that falls behind drops what its MQTT buffer cannot hold (unacknowledged, so nothing stored is
/// lost). Devices that then republish their whole window on a fixed period, all in step, keep the buffer full and the
/// collector never catches up (100,000 devices did exactly that, docs/scale.md). A backing-off, jittered resend of only
/// the oldest unacknowledged message (a probe: the collector acknowledges the whole stored prefix in reply) makes the
/// fleet's resend load fall as the stall lasts and spreads it in time. A value type: ``SimulatedDevice`` owns the I/O.
public struct ResendBackoff: Sendable, Equatable {
    /// The first wait after the last progress.
    public let base: Duration
    /// The longest wait, as a multiple of `base`.
    public let maximumFactor: Int
    /// Resends since the last progress.
    public private(set) var attempts = 0
    /// How long to wait, from the last progress or the last resend, before the next resend.
    public private(set) var wait: Duration

    public init(base: Duration, maximumFactor: Int = 8) {
        self.base = base
        self.maximumFactor = max(1, maximumFactor)
        wait = base
    }

    /// The acknowledgements moved: the next stall starts from `base` again.
    public mutating func progressed() {
        attempts = 0
        wait = base
    }

    /// A resend went out; `jitter` in 0…1 (uniformly random in use) places the next wait between 75 % and 125 % of
    /// the doubled one, so devices that stalled together do not resend together.
    public mutating func resent(jitter: Double) {
        attempts += 1
        let factor = Double(min(1 << min(attempts, 30), maximumFactor))
        let jittered = factor * (0.75 + 0.5 * min(max(jitter, 0), 1))
        wait = base * jittered
    }

    /// Whether a resend is due at `now` when the stall (or the last resend) began at `since`.
    public func isDue(now: ContinuousClock.Instant, since: ContinuousClock.Instant) -> Bool {
        now - since > wait
    }
}
