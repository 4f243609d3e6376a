import PostgresNIO

extension PostgresStore {
    public func applyRetention(_ policy: RetentionPolicy, now: Int64) async throws(CollectorError) -> RetentionResult {
        var result = RetentionResult()
        func cutoff(_ days: Double?) -> Int64? { days.map { now - Int64($0 * 86_400_000) } }
        if let cutoff = cutoff(policy.telemetryDays) {
            result.telemetry = try await deleteOlder("telemetry", than: cutoff)
        }
        if let cutoff = cutoff(policy.minuteRollupDays) {
            result.rollups += try await deleteAll("DELETE FROM device_rollups WHERE resolution = 60 AND bucket < \(cutoff) RETURNING 1")
            result.rollups += try await deleteAll("DELETE FROM model_rollups WHERE resolution = 60 AND bucket < \(cutoff) RETURNING 1")
        }
        if let cutoff = cutoff(policy.hourRollupDays) {
            result.rollups += try await deleteAll("DELETE FROM device_rollups WHERE resolution = 3600 AND bucket < \(cutoff) RETURNING 1")
            result.rollups += try await deleteAll("DELETE FROM model_rollups WHERE resolution = 3600 AND bucket < \(cutoff) RETURNING 1")
        }
        if let cutoff = cutoff(policy.eventDays) {
            result.events = try await deleteOlder("events", than: cutoff)
            // Drift reports age with the events that point at them (`details.report`).
            result.events += try await deleteAll("DELETE FROM drift_reports WHERE computed_at < \(cutoff) RETURNING 1")
            // Quarantined messages are kept as long as events, for the same investigations.
            result.events += try await deleteAll("DELETE FROM quarantine WHERE received_at < \(cutoff) RETURNING 1")
        }
        if let cutoff = cutoff(policy.sampleDays) {
            // A captured sample or a stored training sample that a snapshot references is kept (docs/learning.md).
            result.samples = try await deleteOldSamples(than: cutoff)
            result.samples += try await deleteOlder("labels", than: cutoff)
            result.samples += try await deleteUnreferencedDatasetSamples(than: cutoff)
        }
        return result
    }

    /// Deletes rows received before `cutoff`, oldest first, in bounded transactions (``SQLiteStore/retentionStep`` rows).
    ///
    /// Rows are inserted in about time order, so the old ones are the IDs below the first recent row: finding that
    /// boundary reads only the rows about to be deleted, and no index on `received_at` is needed.
    private func deleteOlder(_ table: String, than cutoff: Int64) async throws(CollectorError) -> Int {
        let logger = self.logger
        let boundary = try await reading("finding old rows of \(table)") { connection in
            if let first = try await Self.rows(connection, PostgresQuery(unsafeSQL: "SELECT id FROM \(table) WHERE received_at >= $1 ORDER BY id LIMIT 1",
                                                                         binds: Self.bindings(cutoff)), logger: logger).first {
                return try first.value(0, as: Int64.self)
            }
            return (try await Self.rows(connection, PostgresQuery(unsafeSQL: "SELECT coalesce(max(id), 0) FROM \(table)"), logger: logger)
                .first?.value(0, as: Int64.self) ?? 0) + 1
        }
        var total = 0
        while true {
            let deleted = try await writing("deleting old rows of \(table)") { connection in
                try await Self.execute(connection, PostgresQuery(unsafeSQL: """
                    DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) WHERE id < $1 ORDER BY id LIMIT $2) RETURNING 1
                    """, binds: Self.bindings(boundary, Int64(SQLiteStore.retentionStep))), logger: logger)
            }
            total += deleted
            if deleted < SQLiteStore.retentionStep { return total }
            await Task.yield()
        }
    }

    private func deleteAll(_ query: PostgresQuery) async throws(CollectorError) -> Int {
        let logger = self.logger
        return try await writing("deleting old rollups") { connection in try await Self.execute(connection, query, logger: logger) }
    }

    static func bindings(_ values: Int64...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }
}
