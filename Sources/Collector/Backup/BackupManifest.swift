/// The last record of a backup file: what it holds, written after every entry so a truncated file has none.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// One file of the state directory, by its path relative to the directory.
    public struct Entry: Codable, Sendable, Equatable {
        public var path: String
        public var size: UInt64
        /// SHA-256 of the content, 64 lowercase hex digits.
        public var sha256: String

        public init(path: String, size: UInt64, sha256: String) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    /// The archive format's version (``BackupArchive/formatVersion``).
    public var format: Int
    /// When the database snapshot was taken (milliseconds since 1970, the collector's wall clock).
    public var createdAt: Int64
    /// The schema migrations recorded in the snapshot: a restore refuses identifiers its build does not know.
    public var migrations: [String]
    public var entries: [Entry]

    public init(format: Int, createdAt: Int64, migrations: [String], entries: [Entry]) {
        self.format = format
        self.createdAt = createdAt
        self.migrations = migrations
        self.entries = entries
    }
}
