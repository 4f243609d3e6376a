import GRDB

extension SQLiteStore {
    /// Migrations recorded in `db` that this build does not know: the database was written by a newer collector.
    ///
    /// Migrations run forward only, so such a database cannot be opened safely by this build (its tables may have
    /// columns or meanings this code would break). An empty answer for a new, empty database.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else { return [] }
        let known = Set(migrator.migrations)
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier").filter { !known.contains($0) }
    }

    /// Refuses a database that a newer collector has migrated, naming what to do.
    static func refuseNewerSchema(_ db: Database, path: String) throws {
        let unknown = try unknownMigrations(db)
        guard unknown.isEmpty else {
            throw CollectorError(.storage,
                "the database \(path) was written by a newer edge-collector (schema migrations this version does not know: \(unknown.joined(separator: ", "))). Migrations run forward only: run that newer version, or restore a backup taken by this version into a new state directory")
        }
    }
}
