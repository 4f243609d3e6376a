import Drift
import Foundation
import GRDB

extension SQLiteStore {
    public func insert(_ report: DriftReportRecord, hysteresis: [String: DriftHysteresis]) async throws(CollectorError) -> DriftReportRecord {
        try await writing("storing a drift report") { db in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var stored = report
            try db.execute(sql: """
                INSERT INTO drift_reports (model, digest, computed_at, verdict, body) VALUES (?, ?, ?, ?, ?)
                """, arguments: [report.model, report.digest, report.computedAt, report.verdict.rawValue,
                                 String(decoding: try encoder.encode(report), as: UTF8.self)])
            stored.id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE drift_reports SET body = ? WHERE id = ?",
                           arguments: [String(decoding: try encoder.encode(stored), as: UTF8.self), stored.id])
            try db.execute(sql: """
                INSERT INTO drift_state (model, digest, body, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(model, digest) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, arguments: [report.model, report.digest, String(decoding: try encoder.encode(hysteresis), as: UTF8.self), report.computedAt])
            return stored
        }
    }

    public func driftReports(model: String, digest: String?, limit: Int) async throws(CollectorError) -> [DriftReportRecord] {
        try await reading("reading drift reports") { db in
            let bodies = try String.fetchAll(db, sql: """
                SELECT body FROM drift_reports WHERE model = ? AND (? IS NULL OR digest = ?) ORDER BY id DESC LIMIT ?
                """, arguments: [model, digest, digest, limit])
            return try bodies.map { try JSONDecoder().decode(DriftReportRecord.self, from: Data($0.utf8)) }
        }
    }

    public func driftReport(id: Int64) async throws(CollectorError) -> DriftReportRecord? {
        try await reading("reading a drift report") { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM drift_reports WHERE id = ?", arguments: [id]) else { return nil }
            return try JSONDecoder().decode(DriftReportRecord.self, from: Data(body.utf8))
        }
    }

    public func driftHysteresis(model: String, digest: String) async throws(CollectorError) -> [String: DriftHysteresis] {
        try await reading("reading the drift alarm state") { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM drift_state WHERE model = ? AND digest = ?",
                                                 arguments: [model, digest]) else { return [:] }
            return try JSONDecoder().decode([String: DriftHysteresis].self, from: Data(body.utf8))
        }
    }

    public func rollupTotals(deviceIDs: [String], range: TimeRange) async throws(CollectorError) -> [String: RollupRecord] {
        guard !deviceIDs.isEmpty else { return [:] }
        return try await reading("reading rollup totals") { db in
            var totals: [String: RollupAccumulator] = [:]
            // Bounded IN lists: SQLite allows 32,766 parameters; 500 devices per statement keeps plans small.
            for start in stride(from: 0, to: deviceIDs.count, by: 500) {
                let chunk = Array(deviceIDs[start..<min(start + 500, deviceIDs.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT device_id, \(RollupAccumulator.storedColumns)
                    FROM device_rollups WHERE resolution = 60 AND bucket >= ? AND bucket < ? AND device_id IN (\(marks))
                    """, arguments: StatementArguments([range.from, range.to] + chunk.map { $0 as any DatabaseValueConvertible }))
                for row in rows {
                    totals[row[0], default: RollupAccumulator()].merge(RollupAccumulator(row: row, from: 1))
                }
            }
            let resolution = RollupResolution.minute
            return totals.mapValues { $0.record(bucketStart: range.from, resolution: resolution) }
        }
    }
}
