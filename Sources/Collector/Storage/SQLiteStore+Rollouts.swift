import FleetProtocol
import Foundation
import GRDB

extension SQLiteStore {
    public func insertRollout(_ rollout: RolloutRecord) async throws(CollectorError) {
        let body = try Self.encodeRollout(rollout)
        let devices = rollout.devices
        let outcome: [String: String] = try await writing("storing rollout \(rollout.id)") { db in
            let held = try Self.claims(db, devices)
            guard held.isEmpty else { return held }
            try db.execute(sql: """
                INSERT INTO rollouts (id, model, release, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [rollout.id, rollout.model, Int64(storing: rollout.release), rollout.status.rawValue, rollout.createdAt,
                                 rollout.updatedAt, body])
            let statement = try db.makeStatement(sql: "INSERT INTO rollout_claims (device_id, rollout_id) VALUES (?, ?)")
            for device in devices { try statement.execute(arguments: [device, rollout.id]) }
            return [:]
        }
        guard outcome.isEmpty else {
            let listed = outcome.sorted { $0.key < $1.key }.prefix(10).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            throw CollectorError(.conflict, "\(outcome.count) targeted devices already belong to an active rollout: \(listed)\(outcome.count > 10 ? ", …" : ""); abort or finish it first, or narrow the target")
        }
    }

    public func updateRollout(_ rollout: RolloutRecord) async throws(CollectorError) {
        let body = try Self.encodeRollout(rollout)
        let found = try await writing("updating rollout \(rollout.id)") { db -> Bool in
            try db.execute(sql: "UPDATE rollouts SET status = ?, updated_at = ?, body = ? WHERE id = ?",
                           arguments: [rollout.status.rawValue, rollout.updatedAt, body, rollout.id])
            guard db.changesCount > 0 else { return false }
            if !rollout.status.isActive {
                try db.execute(sql: "DELETE FROM rollout_claims WHERE rollout_id = ?", arguments: [rollout.id])
            }
            return true
        }
        guard found else { throw CollectorError(.notFound, "no rollout '\(rollout.id)'") }
    }

    public func rollout(id: String) async throws(CollectorError) -> RolloutRecord? {
        let body = try await reading("reading rollout \(id)") { db in
            try String.fetchOne(db, sql: "SELECT body FROM rollouts WHERE id = ?", arguments: [id])
        }
        return try body.map { body throws(CollectorError) in try Self.decodeRollout(body) }
    }

    public func rollouts(activeOnly: Bool, limit: Int) async throws(CollectorError) -> [RolloutRecord] {
        let bodies = try await reading("listing rollouts") { db in
            try String.fetchAll(db, sql: """
                SELECT body FROM rollouts \(activeOnly ? "WHERE status IN ('running', 'paused', 'rollingBack')" : "")
                ORDER BY created_at DESC, id DESC LIMIT ?
                """, arguments: [max(1, min(limit, 10_000))])
        }
        var records: [RolloutRecord] = []
        for body in bodies { records.append(try Self.decodeRollout(body)) }
        return records
    }

    public func claimRolloutDevices(rolloutID: String, deviceIDs: [String]) async throws(CollectorError) -> [String: String] {
        try await writing("claiming devices for rollout \(rolloutID)") { db in
            let statement = try db.makeStatement(sql: "INSERT OR IGNORE INTO rollout_claims (device_id, rollout_id) VALUES (?, ?)")
            for device in deviceIDs { try statement.execute(arguments: [device, rolloutID]) }
            return try Self.claims(db, deviceIDs)
        }
    }

    public func rolloutClaims(deviceIDs: [String]) async throws(CollectorError) -> [String: String] {
        try await reading("reading rollout claims") { db in try Self.claims(db, deviceIDs) }
    }

    public func rolloutReports(deviceIDs: [String], digest: String, range: TimeRange) async throws(CollectorError) -> [RolloutReport] {
        guard !deviceIDs.isEmpty else { return [] }
        let rows: [(String, Int64, [UInt8])] = try await reading("reading rollout telemetry") { db in
            var rows: [(String, Int64, [UInt8])] = []
            for start in stride(from: 0, to: deviceIDs.count, by: 500) {
                let chunk = Array(deviceIDs[start..<min(start + 500, deviceIDs.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let fetched = try Row.fetchAll(db, sql: """
                    SELECT device_id, at, body FROM telemetry
                    WHERE digest = ? AND at >= ? AND at < ? AND device_id IN (\(marks)) ORDER BY at, id
                    """, arguments: StatementArguments([digest, range.from, range.to] as [any DatabaseValueConvertible]
                                                       + chunk.map { $0 as any DatabaseValueConvertible }))
                for row in fetched {
                    let body: Data = row[2]
                    rows.append((row[0], row[1], [UInt8](body)))
                }
            }
            return rows
        }
        // Decoded outside the read transaction; a row that no longer decodes (it was validated on the way in) is skipped.
        return rows.compactMap { row in
            guard let envelope = try? FleetCodec.decode(TelemetryReport.self, from: row.2) else { return nil }
            return RolloutReport(deviceID: row.0, at: row.1, report: envelope.body)
        }.sorted { $0.at < $1.at }
    }

    public func versionLedger(_ query: VersionLedgerQuery) async throws(CollectorError) -> [VersionSpan] {
        try await reading("reading the version ledger") { db in
            // Runs of consecutive reports on the same bundle, per device (window functions, SQLite ≥ 3.25).
            let rows = try Row.fetchAll(db, sql: """
                WITH ordered AS (
                    SELECT device_id, model, digest, at, at - (interval_end - interval_start) AS started,
                        CASE WHEN digest IS LAG(digest) OVER (PARTITION BY device_id ORDER BY at, id) THEN 0 ELSE 1 END AS change
                    FROM telemetry WHERE (?1 IS NULL OR device_id = ?1)
                ), runs AS (
                    SELECT device_id, model, digest, at, started,
                        SUM(change) OVER (PARTITION BY device_id ORDER BY at ROWS UNBOUNDED PRECEDING) AS run,
                        MAX(at) OVER (PARTITION BY device_id) AS newest
                    FROM ordered
                )
                SELECT device_id, MAX(model), digest, MIN(started), MAX(at), MAX(at) = MAX(newest) FROM runs
                GROUP BY device_id, run
                HAVING (?2 IS NULL OR digest = ?2) AND (?3 IS NULL OR (MIN(started) <= ?3 AND (MAX(at) >= ?3 OR MAX(at) = MAX(newest))))
                ORDER BY device_id, MIN(started) LIMIT ?4
                """, arguments: [query.deviceID, query.digest, query.at, max(1, min(query.limit, 100_000))])
            return rows.map { row in
                VersionSpan(deviceID: row[0], model: row[1], digest: row[2], from: row[3], to: row[4], current: row[5])
            }
        }
    }

    static func claims(_ db: Database, _ devices: [String]) throws -> [String: String] {
        var held: [String: String] = [:]
        for start in stride(from: 0, to: devices.count, by: 500) {
            let chunk = Array(devices[start..<min(start + 500, devices.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for row in try Row.fetchAll(db, sql: "SELECT device_id, rollout_id FROM rollout_claims WHERE device_id IN (\(marks))",
                                        arguments: StatementArguments(chunk)) {
                held[row[0]] = row[1]
            }
        }
        return held
    }

    static func encodeRollout(_ rollout: RolloutRecord) throws(CollectorError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do { return String(decoding: try encoder.encode(rollout), as: UTF8.self) } catch {
            throw CollectorError(.storage, "cannot encode rollout \(rollout.id): \(error)")
        }
    }

    static func decodeRollout(_ body: String) throws(CollectorError) -> RolloutRecord {
        do { return try JSONDecoder().decode(RolloutRecord.self, from: Data(body.utf8)) } catch {
            throw CollectorError(.storage, "a stored rollout does not decode: \(error)")
        }
    }
}
