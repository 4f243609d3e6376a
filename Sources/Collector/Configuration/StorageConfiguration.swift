import FleetSupport

/// Where and how the collector stores its data.
public struct StorageConfiguration: Codable, Sendable, Equatable {
    /// `sqlite` (default) or `postgres`.
    public var engine: StorageEngine
    /// The SQLite file; default `<stateDirectory>/collector.sqlite`.
    public var path: String?
    /// The PostgreSQL database, `postgres://user:password@host:5432/database` (required with `engine: postgres`).
    public var url: String?
    public var sqlite: SQLiteOptions
    /// Pool, timeouts and leader lease of the PostgreSQL store (`connections`, `leaseTimeoutSeconds`, `leaderLeaseSeconds`).
    public var postgres: PostgresOptions
    public var retention: RetentionPolicy

    public init(engine: StorageEngine = .sqlite, path: String? = nil, url: String? = nil, sqlite: SQLiteOptions = SQLiteOptions(),
                postgres: PostgresOptions = PostgresOptions(), retention: RetentionPolicy = RetentionPolicy()) {
        self.engine = engine
        self.path = path
        self.url = url
        self.sqlite = sqlite
        self.postgres = postgres
        self.retention = retention
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case engine, path, url, connections, leaseTimeoutSeconds, leaderLeaseSeconds, synchronous, busyTimeoutSeconds, maximumDatabaseBytes, cacheKiB, readers, retention
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SQLiteOptions()
        engine = try c.decodeIfPresent(StorageEngine.self, forKey: .engine) ?? .sqlite
        path = try c.decodeIfPresent(String.self, forKey: .path)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        let p = PostgresOptions()
        postgres = PostgresOptions(maximumConnections: try c.decodeIfPresent(Int.self, forKey: .connections) ?? p.maximumConnections,
                                   leaseTimeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .leaseTimeoutSeconds) ?? p.leaseTimeoutSeconds,
                                   leaderLeaseSeconds: try c.decodeIfPresent(Double.self, forKey: .leaderLeaseSeconds) ?? p.leaderLeaseSeconds)
        sqlite = SQLiteOptions(
            synchronous: try c.decodeIfPresent(String.self, forKey: .synchronous) ?? d.synchronous,
            busyTimeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .busyTimeoutSeconds) ?? d.busyTimeoutSeconds,
            maximumDatabaseBytes: try c.decodeIfPresent(Int64.self, forKey: .maximumDatabaseBytes),
            cacheKiB: try c.decodeIfPresent(Int.self, forKey: .cacheKiB) ?? d.cacheKiB,
            readers: try c.decodeIfPresent(Int.self, forKey: .readers) ?? d.readers)
        retention = try c.decodeIfPresent(RetentionPolicy.self, forKey: .retention) ?? RetentionPolicy()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(engine, forKey: .engine)
        try c.encodeIfPresent(path, forKey: .path)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encode(postgres.maximumConnections, forKey: .connections)
        try c.encode(postgres.leaseTimeoutSeconds, forKey: .leaseTimeoutSeconds)
        try c.encode(postgres.leaderLeaseSeconds, forKey: .leaderLeaseSeconds)
        try c.encode(sqlite.synchronous, forKey: .synchronous)
        try c.encode(sqlite.busyTimeoutSeconds, forKey: .busyTimeoutSeconds)
        try c.encodeIfPresent(sqlite.maximumDatabaseBytes, forKey: .maximumDatabaseBytes)
        try c.encode(sqlite.cacheKiB, forKey: .cacheKiB)
        try c.encode(sqlite.readers, forKey: .readers)
        try c.encode(retention, forKey: .retention)
    }
}
