import FleetSupport

/// Where and how the collector stores its data.
public struct StorageConfiguration: Codable, Sendable, Equatable {
    /// The SQLite file; default `<stateDirectory>/collector.sqlite`.
    public var path: String?
    public var sqlite: SQLiteOptions
    public var retention: RetentionPolicy

    public init(path: String? = nil, sqlite: SQLiteOptions = SQLiteOptions(), retention: RetentionPolicy = RetentionPolicy()) {
        self.path = path
        self.sqlite = sqlite
        self.retention = retention
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, synchronous, busyTimeoutSeconds, maximumDatabaseBytes, cacheKiB, readers, retention
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SQLiteOptions()
        path = try c.decodeIfPresent(String.self, forKey: .path)
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
        try c.encodeIfPresent(path, forKey: .path)
        try c.encode(sqlite.synchronous, forKey: .synchronous)
        try c.encode(sqlite.busyTimeoutSeconds, forKey: .busyTimeoutSeconds)
        try c.encodeIfPresent(sqlite.maximumDatabaseBytes, forKey: .maximumDatabaseBytes)
        try c.encode(sqlite.cacheKiB, forKey: .cacheKiB)
        try c.encode(sqlite.readers, forKey: .readers)
        try c.encode(retention, forKey: .retention)
    }
}
