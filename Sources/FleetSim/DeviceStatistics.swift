/// What one simulated device (or, summed, the fleet) did so far.
public struct DeviceStatistics: Sendable, Equatable, Codable {
    /// Queued messages created (birth, telemetry, events): the stream's highest sequence number.
    public var generated: UInt64 = 0
    /// The highest sequence number the collector acknowledged (all of 1…acknowledged are stored).
    public var acknowledged: UInt64 = 0
    /// Publishes of queued messages, resends included.
    public var published: UInt64 = 0
    /// Publishes repeated because no acknowledgement progress came in time.
    public var resent: UInt64 = 0
    public var connected: Int = 0
    /// Bundles downloaded, verified and switched to.
    public var installed: Int = 0

    public init() {}

    /// Messages created but not acknowledged yet.
    public var pending: UInt64 { generated - min(generated, acknowledged) }

    public static func + (lhs: DeviceStatistics, rhs: DeviceStatistics) -> DeviceStatistics {
        var sum = lhs
        sum.generated += rhs.generated
        sum.acknowledged += rhs.acknowledged
        sum.published += rhs.published
        sum.resent += rhs.resent
        sum.connected += rhs.connected
        sum.installed += rhs.installed
        return sum
    }
}
