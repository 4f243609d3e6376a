import GRDB

extension SQLiteStore {
    /// Rows deleted per transaction, so ingest never waits long behind retention.
    static let retentionStep = 5_000

    public func applyRetention(_ policy: RetentionPolicy, now: Int64) async throws(CollectorError) -> RetentionResult {
        var result = RetentionResult()
        func cutoff(_ days: Double?) -> Int64? { days.map { now - Int64($0 * 86_400_000) } }
        if let cutoff = cutoff(policy.telemetryDays) {
            result.telemetry = try await deleteOlder("telemetry", than: cutoff)
        }
        if let cutoff = cutoff(policy.minuteRollupDays) {
            result.rollups += try await deleteAll("DELETE FROM device_rollups WHERE resolution = 60 AND bucket < \(cutoff)")
            result.rollups += try await deleteAll("DELETE FROM model_rollups WHERE resolution = 60 AND bucket < \(cutoff)")
        }
        if let cutoff = cutoff(policy.hourRollupDays) {
            result.rollups += try await deleteAll("DELETE FROM device_rollups WHERE resolution = 3600 AND bucket < \(cutoff)")
            result.rollups += try await deleteAll("DELETE FROM model_rollups WHERE resolution = 3600 AND bucket < \(cutoff)")
        }
        if let cutoff = cutoff(policy.eventDays) {
            result.events = try await deleteOlder("events", than: cutoff)
            // Drift reports age with the events that point at them (`details.report`).
            result.events += try await deleteAll("DELETE FROM drift_reports WHERE computed_at < \(cutoff)")
            // Quarantined messages are kept as long as events, for the same investigations.
            result.events += try await deleteAll("DELETE FROM quarantine WHERE received_at < \(cutoff)")
        }
        if let cutoff = cutoff(policy.sampleDays) {
            // A captured sample or a stored training sample that a snapshot references is kept (docs/learning.md).
            result.samples = try await deleteOldSamples(than: cutoff)
            result.samples += try await deleteOlder("labels", than: cutoff)
            result.samples += try await deleteUnreferencedDatasetSamples(than: cutoff)
        }
        return result
    }

    /// Deletes rows received before `cutoff`, oldest first, in bounded transactions.
    ///
    /// Rows are inserted in time order, so the old ones are the IDs below the first recent row: finding
    /// that boundary reads only the rows about to be deleted, and no index on `received_at` is needed.
    private func deleteOlder(_ table: String, than cutoff: Int64) async throws(CollectorError) -> Int {
        let boundary = try await reading("finding old rows of \(table)") { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM \(table) WHERE received_at >= ? ORDER BY id LIMIT 1", arguments: [cutoff])
                ?? ((try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(table)") ?? 0) + 1)
        }
        var total = 0
        while true {
            let deleted = try await writing("deleting old rows of \(table)") { db in
                try db.execute(sql: "DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) WHERE id < ? ORDER BY id LIMIT ?)",
                               arguments: [boundary, Self.retentionStep])
                return db.changesCount
            }
            total += deleted
            if deleted < Self.retentionStep { return total }
            await Task.yield()
        }
    }

    private func deleteAll(_ sql: String) async throws(CollectorError) -> Int {
        try await writing("deleting old rollups") { db in
            try db.execute(sql: sql)
            return db.changesCount
        }
    }
}
