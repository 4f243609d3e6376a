/// How bundles are served over MQTT.
public struct DistributionSettings: Sendable, Equatable {
    /// The chunk size announced in assignments (devices may request another within 1 KiB…16 MiB).
    public var chunkSize: Int
    /// Chunk publishes awaiting the broker's PUBACK at once.
    public var maximumInFlight: Int
    /// Pending assignments are sent again when the device's birth arrives, for this long after creation.
    public var resendWindowSeconds: Double

    public init(chunkSize: Int = 64 * 1024, maximumInFlight: Int = 32, resendWindowSeconds: Double = 86_400) {
        self.chunkSize = chunkSize
        self.maximumInFlight = maximumInFlight
        self.resendWindowSeconds = resendWindowSeconds
    }
}
