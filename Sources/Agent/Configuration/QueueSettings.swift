import FleetSupport

/// Bounds and pacing of the disk queue of unacknowledged upward messages.
public struct QueueSettings: Codable, Sendable, Equatable {
    /// Past either cap the oldest messages are dropped (and counted).
    public var maxMessages: Int
    public var maxBytes: Int
    /// Messages published but not yet acknowledged at most.
    public var window: Int
    /// Without acknowledgement progress for this long, unacknowledged messages are sent again.
    public var resendAfterSeconds: Double

    public init(maxMessages: Int = 10_000, maxBytes: Int = 64 << 20, window: Int = 32, resendAfterSeconds: Double = 30) {
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.window = window
        self.resendAfterSeconds = resendAfterSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case maxMessages, maxBytes, window, resendAfterSeconds }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let d = QueueSettings()
        maxMessages = try c.decodeIfPresent(Int.self, forKey: .maxMessages) ?? d.maxMessages
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes) ?? d.maxBytes
        window = try c.decodeIfPresent(Int.self, forKey: .window) ?? d.window
        resendAfterSeconds = try c.decodeIfPresent(Double.self, forKey: .resendAfterSeconds) ?? d.resendAfterSeconds
    }
}
