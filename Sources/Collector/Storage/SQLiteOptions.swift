/// How the embedded SQLite database is opened.
public struct SQLiteOptions: Codable, Sendable, Equatable {
    /// `full` fsyncs the write-ahead log on every commit, so an acknowledged batch survives power loss;
    /// `normal` survives process crashes only.
    public var synchronous: String
    /// How long a write waits for another process's lock before failing (and being retried).
    public var busyTimeoutSeconds: Double
    /// A cap on the database size: writes past it fail as if the disk were full. Nil: no cap.
    public var maximumDatabaseBytes: Int64?
    /// Page cache per connection.
    public var cacheKiB: Int
    /// Read-only connections for API queries, beside the one writer.
    public var readers: Int

    public init(synchronous: String = "full", busyTimeoutSeconds: Double = 2, maximumDatabaseBytes: Int64? = nil, cacheKiB: Int = 32_768,
                readers: Int = 4) {
        self.synchronous = synchronous
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.maximumDatabaseBytes = maximumDatabaseBytes
        self.cacheKiB = cacheKiB
        self.readers = readers
    }
}
