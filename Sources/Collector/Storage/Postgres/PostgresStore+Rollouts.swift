import FleetProtocol
import Foundation
import PostgresNIO

extension PostgresStore {
    public func insertRollout(_ rollout: RolloutRecord) async throws(CollectorError) {
        let body = try SQLiteStore.encodeRollout(rollout)
        // Sorted and unique: claims are taken in one order, so two collectors creating rollouts at once never deadlock.
        let devices = Array(Set(rollout.devices)).sorted()
        let logger = self.logger
        try await writing("storing rollout \(rollout.id)") { connection in
            var held = try await Self.claims(connection, devices, logger: logger)
            if held.isEmpty {
                try await connection.query("""
                    INSERT INTO rollouts (id, model, release, status, created_at, updated_at, body)
                    VALUES (\(rollout.id), \(rollout.model), \(Int64(storing: rollout.release)), \(rollout.status.rawValue), \(rollout.createdAt),
                        \(rollout.updatedAt), \(body))
                    """, logger: logger)
                // A claim another collector committed meanwhile is waited for and skipped, then reported below.
                let claimed = try await Self.execute(connection, """
                    INSERT INTO rollout_claims (device_id, rollout_id) SELECT d, \(rollout.id) FROM unnest(\(devices)::text[]) AS d
                    ON CONFLICT (device_id) DO NOTHING RETURNING 1
                    """, logger: logger)
                guard claimed < devices.count else { return }
                held = try await Self.claims(connection, devices, logger: logger).filter { $0.value != rollout.id }
            }
            // Thrown inside the transaction: nothing of the refused rollout is stored.
            let listed = held.sorted { $0.key < $1.key }.prefix(10).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            throw CollectorError(.conflict, "\(held.count) targeted devices already belong to an active rollout: \(listed)\(held.count > 10 ? ", …" : ""); abort or finish it first, or narrow the target")
        }
    }

    public func updateRollout(_ rollout: RolloutRecord) async throws(CollectorError) {
        let body = try SQLiteStore.encodeRollout(rollout)
        let logger = self.logger
        let found = try await writing("updating rollout \(rollout.id)") { connection -> Bool in
            let changed = try await Self.execute(connection, """
                UPDATE rollouts SET status = \(rollout.status.rawValue), updated_at = \(rollout.updatedAt), body = \(body) WHERE id = \(rollout.id) RETURNING 1
                """, logger: logger)
            guard changed > 0 else { return false }
            if !rollout.status.isActive {
                try await connection.query("DELETE FROM rollout_claims WHERE rollout_id = \(rollout.id)", logger: logger)
            }
            return true
        }
        guard found else { throw CollectorError(.notFound, "no rollout '\(rollout.id)'") }
    }

    public func rollout(id: String) async throws(CollectorError) -> RolloutRecord? {
        let logger = self.logger
        let body = try await reading("reading rollout \(id)") { connection in
            try await Self.rows(connection, "SELECT body FROM rollouts WHERE id = \(id)", logger: logger).first?.value(0, as: String.self)
        }
        return try body.map { body throws(CollectorError) in try SQLiteStore.decodeRollout(body) }
    }

    public func rollouts(activeOnly: Bool, limit: Int) async throws(CollectorError) -> [RolloutRecord] {
        let logger = self.logger
        let bodies = try await reading("listing rollouts") { connection in
            try await Self.rows(connection, """
                SELECT body FROM rollouts WHERE (NOT \(activeOnly) OR status IN ('running', 'paused', 'rollingBack'))
                ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT \(Int64(max(1, min(limit, 10_000))))
                """, logger: logger).map { try $0.value(0, as: String.self) }
        }
        var records: [RolloutRecord] = []
        for body in bodies { records.append(try SQLiteStore.decodeRollout(body)) }
        return records
    }

    public func claimRolloutDevices(rolloutID: String, deviceIDs: [String]) async throws(CollectorError) -> [String: String] {
        let devices = Array(Set(deviceIDs)).sorted()
        let logger = self.logger
        return try await writing("claiming devices for rollout \(rolloutID)") { connection in
            _ = try await Self.execute(connection, """
                INSERT INTO rollout_claims (device_id, rollout_id) SELECT d, \(rolloutID) FROM unnest(\(devices)::text[]) AS d
                ON CONFLICT (device_id) DO NOTHING
                """, logger: logger)
            return try await Self.claims(connection, devices, logger: logger)
        }
    }

    public func rolloutClaims(deviceIDs: [String]) async throws(CollectorError) -> [String: String] {
        let logger = self.logger
        return try await reading("reading rollout claims") { connection in try await Self.claims(connection, deviceIDs, logger: logger) }
    }

    public func rolloutReports(deviceIDs: [String], digest: String, range: TimeRange) async throws(CollectorError) -> [RolloutReport] {
        guard !deviceIDs.isEmpty else { return [] }
        let logger = self.logger
        let rows: [(String, Int64, Data)] = try await reading("reading rollout telemetry") { connection in
            var rows: [(String, Int64, Data)] = []
            for start in stride(from: 0, to: deviceIDs.count, by: 5000) {
                let chunk = Array(deviceIDs[start..<min(start + 5000, deviceIDs.count)])
                for row in try await Self.rows(connection, """
                    SELECT device_id, at, body FROM telemetry
                    WHERE digest = \(digest) AND at >= \(range.from) AND at < \(range.to) AND device_id = ANY(\(chunk)) ORDER BY at, id
                    """, logger: logger) {
                    rows.append((try row.value(0), try row.value(1), try row.value(2)))
                }
            }
            return rows
        }
        // Decoded outside the read; a row that no longer decodes (it was validated on the way in) is skipped.
        return rows.compactMap { row in
            guard let envelope = try? FleetCodec.decode(TelemetryReport.self, from: [UInt8](row.2)) else { return nil }
            return RolloutReport(deviceID: row.0, at: row.1, report: envelope.body)
        }.sorted { $0.at < $1.at }
    }

    public func versionLedger(_ query: VersionLedgerQuery) async throws(CollectorError) -> [VersionSpan] {
        let logger = self.logger
        return try await reading("reading the version ledger") { connection in
            // Runs of consecutive reports on the same bundle, per device (the SQLite store's window query).
            try await Self.rows(connection, """
                WITH ordered AS (
                    SELECT device_id, model, digest, at, id, at - (interval_end - interval_start) AS started,
                        CASE WHEN digest IS NOT DISTINCT FROM LAG(digest) OVER (PARTITION BY device_id ORDER BY at, id) THEN 0 ELSE 1 END AS change
                    FROM telemetry WHERE (\(query.deviceID)::text IS NULL OR device_id = \(query.deviceID))
                ), runs AS (
                    SELECT device_id, model, digest, at, started,
                        SUM(change) OVER (PARTITION BY device_id ORDER BY at, id ROWS UNBOUNDED PRECEDING) AS run,
                        MAX(at) OVER (PARTITION BY device_id) AS newest
                    FROM ordered
                )
                SELECT device_id, MAX(model), digest, MIN(started), MAX(at), MAX(at) = MAX(newest) FROM runs
                GROUP BY device_id, run, digest
                HAVING (\(query.digest)::text IS NULL OR digest = \(query.digest))
                    AND (\(query.at)::bigint IS NULL OR (MIN(started) <= \(query.at) AND (MAX(at) >= \(query.at) OR MAX(at) = MAX(newest))))
                ORDER BY device_id COLLATE "C", MIN(started) LIMIT \(Int64(max(1, min(query.limit, 100_000))))
                """, logger: logger).map { row in
                VersionSpan(deviceID: try row.value(0), model: try row.value(1), digest: try row.value(2), from: try row.value(3), to: try row.value(4),
                            current: try row.value(5))
            }
        }
    }

    /// The active rollout holding each of `devices`, for those held.
    static func claims(_ connection: PostgresConnection, _ devices: [String], logger: Logger) async throws -> [String: String] {
        var held: [String: String] = [:]
        for start in stride(from: 0, to: devices.count, by: 5000) {
            let chunk = Array(devices[start..<min(start + 5000, devices.count)])
            for row in try await rows(connection, "SELECT device_id, rollout_id FROM rollout_claims WHERE device_id = ANY(\(chunk))", logger: logger) {
                held[try row.value(0, as: String.self)] = try row.value(1, as: String.self)
            }
        }
        return held
    }
}
