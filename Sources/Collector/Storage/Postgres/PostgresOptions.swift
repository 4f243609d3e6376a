/// How the collector reaches its PostgreSQL database (`storage.engine: "postgres"`).
public struct PostgresOptions: Codable, Sendable, Equatable {
    /// Pooled connections per collector: ingest uses one at a time, API reads and leader work the others.
    public var maximumConnections: Int
    /// How long a request waits for a free pooled connection before failing as busy (ingest retries).
    public var leaseTimeoutSeconds: Double
    /// How long opening a connection may take.
    public var connectTimeoutSeconds: Double
    /// How long the leader's lease lasts unless renewed (every third of it): another collector takes over within
    /// about 1⅓ of this after the leader dies.
    public var leaderLeaseSeconds: Double

    public init(maximumConnections: Int = 8, leaseTimeoutSeconds: Double = 5, connectTimeoutSeconds: Double = 5, leaderLeaseSeconds: Double = 15) {
        self.maximumConnections = maximumConnections
        self.leaseTimeoutSeconds = leaseTimeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.leaderLeaseSeconds = leaderLeaseSeconds
    }
}
