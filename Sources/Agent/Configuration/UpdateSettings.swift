import FleetSupport

/// Limits of over-the-air updates.
public struct UpdateSettings: Codable, Sendable, Equatable {
    /// How long a switched-to candidate is watched before it is committed.
    public var probationSeconds: Double
    /// During probation, the share of failed inputs that triggers a rollback.
    public var maxErrorRate: Double
    /// Inferences (or errors) needed before probation judges rates; fewer are not evidence either way.
    public var minimumProbationSamples: Int
    /// Median golden-case latency allowed in the health check and p99 allowed in probation; nil derives it from
    /// the profile: four times its estimate for the model's MACs, at least 50 ms.
    public var latencyBudgetMilliseconds: Double?
    /// A chunk not received within this long is requested again.
    public var chunkTimeoutSeconds: Double
    /// The slowest download accepted: with ``downloadGraceSeconds`` it sets each download's overall deadline,
    /// `grace + announced bytes / this rate` (a source that trickles bytes cannot hold the agent in `downloading`).
    public var downloadMinimumBytesPerSecond: Double
    /// Added to every download's deadline (connection set-up, a collector restart).
    public var downloadGraceSeconds: Double
    /// A download during which no chunk could be written for this long fails (the source went silent).
    public var downloadStallSeconds: Double
    /// Bundles larger than this are refused before downloading.
    public var maxBundleBytes: Int
    /// Downloads whose digest does not match are retried this many times.
    public var maxAttempts: Int

    public init(probationSeconds: Double = 300, maxErrorRate: Double = 0.05, minimumProbationSamples: Int = 20,
                latencyBudgetMilliseconds: Double? = nil, chunkTimeoutSeconds: Double = 10, maxBundleBytes: Int = 256 << 20,
                maxAttempts: Int = 3, downloadMinimumBytesPerSecond: Double = 8192, downloadGraceSeconds: Double = 120,
                downloadStallSeconds: Double = 120) {
        self.probationSeconds = probationSeconds
        self.maxErrorRate = maxErrorRate
        self.minimumProbationSamples = minimumProbationSamples
        self.latencyBudgetMilliseconds = latencyBudgetMilliseconds
        self.chunkTimeoutSeconds = chunkTimeoutSeconds
        self.maxBundleBytes = maxBundleBytes
        self.maxAttempts = maxAttempts
        self.downloadMinimumBytesPerSecond = downloadMinimumBytesPerSecond
        self.downloadGraceSeconds = downloadGraceSeconds
        self.downloadStallSeconds = downloadStallSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case probationSeconds, maxErrorRate, minimumProbationSamples, latencyBudgetMilliseconds, chunkTimeoutSeconds
        case maxBundleBytes, maxAttempts, downloadMinimumBytesPerSecond, downloadGraceSeconds, downloadStallSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let d = UpdateSettings()
        probationSeconds = try c.decodeIfPresent(Double.self, forKey: .probationSeconds) ?? d.probationSeconds
        maxErrorRate = try c.decodeIfPresent(Double.self, forKey: .maxErrorRate) ?? d.maxErrorRate
        minimumProbationSamples = try c.decodeIfPresent(Int.self, forKey: .minimumProbationSamples) ?? d.minimumProbationSamples
        latencyBudgetMilliseconds = try c.decodeIfPresent(Double.self, forKey: .latencyBudgetMilliseconds)
        chunkTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .chunkTimeoutSeconds) ?? d.chunkTimeoutSeconds
        maxBundleBytes = try c.decodeIfPresent(Int.self, forKey: .maxBundleBytes) ?? d.maxBundleBytes
        maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? d.maxAttempts
        downloadMinimumBytesPerSecond = try c.decodeIfPresent(Double.self, forKey: .downloadMinimumBytesPerSecond)
            ?? d.downloadMinimumBytesPerSecond
        downloadGraceSeconds = try c.decodeIfPresent(Double.self, forKey: .downloadGraceSeconds) ?? d.downloadGraceSeconds
        downloadStallSeconds = try c.decodeIfPresent(Double.self, forKey: .downloadStallSeconds) ?? d.downloadStallSeconds
    }
}
