/// The collector's request to capture more of a device's inputs for a while (a `capture` command): after drift on a
/// cohort, labelled samples from exactly those devices are what retraining needs.
///
/// The device raises its random capture rate to at least `randomRate` and its budget to at least `maxPerHour` until
/// `durationSeconds` have passed, then returns to its configured settings. A later request replaces an earlier one.
public struct CaptureRequest: Codable, Sendable, Equatable {
    /// Share of ordinary inputs captured (0…1), at least.
    public var randomRate: Double
    /// Captures per hour allowed, at least.
    public var maxPerHour: Double
    /// How long the raised capture lasts.
    public var durationSeconds: Int
    /// Why (for the device's event log), e.g. the drift report that asked for it.
    public var reason: String?

    public init(randomRate: Double, maxPerHour: Double, durationSeconds: Int, reason: String? = nil) {
        self.randomRate = randomRate
        self.maxPerHour = maxPerHour
        self.durationSeconds = durationSeconds
        self.reason = reason
    }

    /// Longest raised capture a device accepts: a week. A forgotten request must not keep a device capturing forever.
    public static let maximumDurationSeconds = 7 * 24 * 3600

    /// Checks the ranges a device relies on.
    public func validate() throws(FleetProtocolError) {
        guard randomRate.isFinite, (0...1).contains(randomRate) else {
            throw FleetProtocolError(.invalidMessage, "capture randomRate must be within 0…1")
        }
        guard maxPerHour.isFinite, maxPerHour >= 0, maxPerHour <= 3_600_000 else {
            throw FleetProtocolError(.invalidMessage, "capture maxPerHour must be within 0…3600000")
        }
        guard (1...Self.maximumDurationSeconds).contains(durationSeconds) else {
            throw FleetProtocolError(.invalidMessage, "capture durationSeconds must be within 1…\(Self.maximumDurationSeconds)")
        }
    }
}
