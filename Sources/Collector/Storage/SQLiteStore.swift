import Foundation
import GRDB
import Logging

/// The embedded store: one SQLite file in WAL mode through GRDB, one writer and a few readers.
///
/// WAL lets API reads run beside ingest writes. Acknowledgements depend on commits being durable, so
/// `synchronous` defaults to `full`. A size cap (`maximumDatabaseBytes`) turns "disk full" into a
/// condition the collector can see coming and recover from without losing acknowledged data.
public final class SQLiteStore: CollectorStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let logger: Logger
    /// Bytes per page, for converting the size cap into SQLite's `max_page_count`.
    let pageSize: Int64
    private let maximumBytes: DatabaseSizeCap

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, options: SQLiteOptions = SQLiteOptions(), logger: Logger) throws(CollectorError) {
        guard ["full", "normal"].contains(options.synchronous) else {
            throw CollectorError(.invalidConfiguration, "storage.synchronous must be \"full\" or \"normal\", not \"\(options.synchronous)\"")
        }
        self.path = path
        self.logger = logger
        let maximumBytes = DatabaseSizeCap(options.maximumDatabaseBytes)
        self.maximumBytes = maximumBytes
        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeoutSeconds)
        configuration.maximumReaderCount = max(1, options.readers)
        configuration.label = "edge-collector"
        let synchronous = options.synchronous.uppercased(), cache = options.cacheKiB
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
            if !db.configuration.readonly, let bytes = maximumBytes.bytes {
                let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(max(1, bytes / pageSize))")
            }
        }
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.read { db in try Self.refuseNewerSchema(db, path: path) }
            try Self.migrator.migrate(pool)
            pageSize = try pool.read { db in try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096 }
        } catch {
            throw Self.translate(error, "opening the database \(path)")
        }
    }

    /// Changes the size cap at run time (nil removes it); a paused ingest resumes on its next retry.
    public func setMaximumDatabaseBytes(_ bytes: Int64?) async throws(CollectorError) {
        maximumBytes.bytes = bytes
        let pages = bytes.map { max(1, $0 / pageSize) } ?? 4_294_967_294
        do {
            try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
        } catch {
            throw Self.translate(error, "changing the database size cap")
        }
    }

    /// The database's size in bytes (pages in use × page size), WAL excluded.
    public func databaseBytes() async throws(CollectorError) -> Int64 {
        try await reading("measuring the database") { db in
            (try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096)
        }
    }

    /// Runs `body` in a write transaction, translating database errors.
    func writing<T: Sendable>(_ action: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(CollectorError) -> T {
        do { return try await pool.write(body) } catch { throw Self.translate(error, action) }
    }

    /// Runs `body` on a reader (a consistent snapshot), translating database errors.
    func reading<T: Sendable>(_ action: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(CollectorError) -> T {
        do { return try await pool.read(body) } catch { throw Self.translate(error, action) }
    }

    /// Maps a GRDB error onto the collector's codes, naming what was being done and what to check.
    static func translate(_ error: any Error, _ action: String) -> CollectorError {
        if let error = error as? CollectorError { return error }
        guard let error = error as? DatabaseError else {
            return CollectorError(.storage, "\(action) failed: \(error)")
        }
        switch error.resultCode {
        case .SQLITE_FULL:
            return CollectorError(.storageFull,
                "\(action) failed: the database or its disk is full (\(error.message ?? "SQLITE_FULL")). Free disk space or raise storage.maximumDatabaseBytes; ingest resumes by itself and nothing acknowledged is lost")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return CollectorError(.storageBusy,
                "\(action) failed: another process holds the database lock (\(error.message ?? "SQLITE_BUSY")). Check for a sqlite3 shell or backup holding a transaction open; ingest retries")
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY:
            return CollectorError(.storage,
                "\(action) failed: the database file could not be read or written (\(error.message ?? "\(error.resultCode)")). Check the disk, the file's permissions and free space")
        case .SQLITE_CONSTRAINT:
            return CollectorError(.conflict, "\(action) failed: \(error.message ?? "constraint violated")")
        default:
            return CollectorError(.storage, "\(action) failed: \(error.message ?? "\(error)")")
        }
    }
}
