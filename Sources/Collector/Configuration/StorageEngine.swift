/// Which database the collector keeps its data in (`storage.engine`).
public enum StorageEngine: String, Codable, Sendable, Equatable, CaseIterable {
    /// One SQLite file beside the collector (`storage.path`): one collector, no server to run.
    case sqlite
    /// A PostgreSQL server (`storage.url`) shared by several collectors.
    case postgres
}
