import PostgresNIO

extension PostgresIngestTransaction {
    /// Adds the batch's bucket totals to the stored rows. New buckets are inserted with the batch's totals (one
    /// statement, keys sorted); the buckets that already existed are locked in key order, read, merged in Swift (the
    /// histograms and count blobs do not add up in SQL) and written back with one `UPDATE`. A bucket another collector
    /// inserts meanwhile makes our insert wait for its commit and then count as existing: merged, never overwritten.
    func mergeRollups(_ table: PostgresRollupTable, _ entries: [(key: [String], resolution: RollupResolution, bucket: Int64, RollupAccumulator)])
        async throws {
        guard !entries.isEmpty else { return }
        let sorted = entries.sorted { a, b in
            a.key != b.key ? a.key.lexicographicallyPrecedes(b.key) : (a.resolution.milliseconds, a.bucket) < (b.resolution.milliseconds, b.bucket)
        }
        func id(_ key: [String], _ resolution: Int64, _ bucket: Int64) -> String { (key + [String(resolution), String(bucket)]).joined(separator: "\u{1F}") }
        let keyColumns = table.keyColumns + ["resolution", "bucket"]
        let columns = keyColumns.joined(separator: ", ")
        var fresh = PostgresRowBatch(table: table.name, columns: keyColumns + RollupAccumulator.postgresColumns)
        for entry in sorted {
            fresh.append { row in
                for value in entry.key { row.append(value) }
                row.append(entry.resolution.milliseconds / 1000)
                row.append(entry.bucket)
                entry.3.appendPostgresValues(to: &row)
            }
        }
        func key(_ row: PostgresRandomAccessRow) throws -> String {
            let key = try (0..<table.keyColumns.count).map { try row[$0].decode(String.self) }
            return id(key, try row[table.keyColumns.count].decode(Int64.self), try row[table.keyColumns.count + 1].decode(Int64.self))
        }
        var inserted = Set<String>()
        for row in try await rows(fresh.insertQuery(suffix: "ON CONFLICT DO NOTHING RETURNING \(columns)")) { inserted.insert(try key(row)) }
        let existing = sorted.filter { !inserted.contains(id($0.key, $0.resolution.milliseconds / 1000, $0.bucket)) }
        guard !existing.isEmpty else { return }

        var keys = PostgresRowBatch(table: table.name, columns: keyColumns)
        for entry in existing {
            keys.append { row in
                for value in entry.key { row.append(value) }
                row.append(entry.resolution.milliseconds / 1000)
                row.append(entry.bucket)
            }
        }
        let match = keyColumns.map { "r.\($0) = batch.\($0)" }.joined(separator: " AND ")
        var bindings = PostgresBindings(capacity: keyColumns.count)
        let source = keys.unnest(as: "batch", bindings: &bindings)
        var stored: [String: RollupAccumulator] = [:]
        for row in try await rows(PostgresQuery(unsafeSQL: """
            SELECT \(keyColumns.map { "r.\($0)" }.joined(separator: ", ")), \(RollupAccumulator.postgresColumns.map { "r.\($0)" }.joined(separator: ", "))
            FROM \(table.name) AS r JOIN \(source) ON \(match)
            ORDER BY \(keyColumns.map { "r.\($0)" }.joined(separator: ", ")) FOR UPDATE OF r
            """, binds: bindings)) {
            stored[try key(row)] = try RollupAccumulator(postgresRow: row, from: keyColumns.count)
        }
        var writes = PostgresRowBatch(table: table.name, columns: keyColumns + RollupAccumulator.postgresColumns)
        for entry in existing {
            var merged = entry.3
            if let previous = stored[id(entry.key, entry.resolution.milliseconds / 1000, entry.bucket)] { merged.merge(previous) }
            writes.append { row in
                for value in entry.key { row.append(value) }
                row.append(entry.resolution.milliseconds / 1000)
                row.append(entry.bucket)
                merged.appendPostgresValues(to: &row)
            }
        }
        var updateBindings = PostgresBindings(capacity: keyColumns.count + RollupAccumulator.postgresColumns.count)
        let updates = writes.unnest(as: "batch", bindings: &updateBindings)
        try await run(PostgresQuery(unsafeSQL: """
            UPDATE \(table.name) AS r SET \(RollupAccumulator.postgresColumns.map { "\($0) = batch.\($0)" }.joined(separator: ", "))
            FROM \(updates) WHERE \(match)
            """, binds: updateBindings))
    }
}
