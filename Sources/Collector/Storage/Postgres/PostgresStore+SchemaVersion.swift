import PostgresNIO

extension PostgresStore {
    /// Migrations recorded in the database that this build does not know: it was written by a newer collector.
    ///
    /// Empty for a new, empty database. Migrations run forward only, so such a database cannot be used safely by this
    /// build (its tables may carry columns or meanings this code would break).
    func unknownMigrations() async throws(CollectorError) -> [String] {
        let logger = self.logger
        let applied: [String] = try await reading("reading the applied migrations") { connection in
            let table = try await Self.rows(connection, "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            guard try table.first?[0].decode(Bool.self) == true else { return [] }
            return try await Self.rows(connection, "SELECT name FROM schema_migrations ORDER BY name", logger: logger)
                .map { try $0[0].decode(String.self) }
        }
        let known = Set(Self.migrations.map(\.name))
        return applied.filter { !known.contains($0) }
    }

    /// Refuses a database that a newer collector has migrated, naming what to do.
    func refuseNewerSchema() async throws(CollectorError) {
        let unknown = try await unknownMigrations()
        guard unknown.isEmpty else {
            throw CollectorError(.storage,
                "the PostgreSQL database \(location) was written by a newer edge-collector (schema migrations this version does not know: \(unknown.joined(separator: ", "))). Migrations run forward only: run that newer version, or restore a pg_dump taken by this version into a new database")
        }
    }
}
