import Drift
import Foundation
import PostgresNIO

extension PostgresStore {
    public func insert(_ report: DriftReportRecord, hysteresis: [String: DriftHysteresis]) async throws(CollectorError) -> DriftReportRecord {
        let logger = self.logger
        return try await writing("storing a drift report") { connection in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var stored = report
            let id = try await Self.rows(connection, """
                INSERT INTO drift_reports (model, digest, computed_at, verdict, body)
                VALUES (\(report.model), \(report.digest), \(report.computedAt), \(report.verdict.rawValue),
                    \(String(decoding: try encoder.encode(report), as: UTF8.self)))
                RETURNING id
                """, logger: logger)[0].value(0, as: Int64.self)
            stored.id = id
            try await connection.query("UPDATE drift_reports SET body = \(String(decoding: try encoder.encode(stored), as: UTF8.self)) WHERE id = \(id)",
                                       logger: logger)
            try await connection.query("""
                INSERT INTO drift_state (model, digest, body, updated_at)
                VALUES (\(report.model), \(report.digest), \(String(decoding: try encoder.encode(hysteresis), as: UTF8.self)), \(report.computedAt))
                ON CONFLICT (model, digest) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, logger: logger)
            return stored
        }
    }

    public func driftReports(model: String, digest: String?, limit: Int) async throws(CollectorError) -> [DriftReportRecord] {
        let logger = self.logger
        return try await reading("reading drift reports") { connection in
            try await Self.rows(connection, """
                SELECT body FROM drift_reports WHERE model = \(model) AND (\(digest)::text IS NULL OR digest = \(digest)) ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: logger).map { row in try JSONDecoder().decode(DriftReportRecord.self, from: Data(try row.value(0, as: String.self).utf8)) }
        }
    }

    public func driftReport(id: Int64) async throws(CollectorError) -> DriftReportRecord? {
        let logger = self.logger
        return try await reading("reading a drift report") { connection in
            guard let row = try await Self.rows(connection, "SELECT body FROM drift_reports WHERE id = \(id)", logger: logger).first else { return nil }
            return try JSONDecoder().decode(DriftReportRecord.self, from: Data(try row.value(0, as: String.self).utf8))
        }
    }

    public func driftHysteresis(model: String, digest: String) async throws(CollectorError) -> [String: DriftHysteresis] {
        let logger = self.logger
        return try await reading("reading the drift alarm state") { connection in
            guard let row = try await Self.rows(connection, "SELECT body FROM drift_state WHERE model = \(model) AND digest = \(digest)", logger: logger)
                .first else { return [:] }
            return try JSONDecoder().decode([String: DriftHysteresis].self, from: Data(try row.value(0, as: String.self).utf8))
        }
    }

    public func rollupTotals(deviceIDs: [String], range: TimeRange) async throws(CollectorError) -> [String: RollupRecord] {
        guard !deviceIDs.isEmpty else { return [:] }
        let logger = self.logger
        return try await reading("reading rollup totals") { connection in
            var totals: [String: RollupAccumulator] = [:]
            // One array parameter per statement; chunks keep each result small.
            for start in stride(from: 0, to: deviceIDs.count, by: 5000) {
                let chunk = Array(deviceIDs[start..<min(start + 5000, deviceIDs.count)])
                for row in try await Self.rows(connection, """
                    SELECT device_id, \(unescaped: RollupAccumulator.storedColumns)
                    FROM device_rollups WHERE resolution = 60 AND bucket >= \(range.from) AND bucket < \(range.to) AND device_id = ANY(\(chunk))
                    """, logger: logger) {
                    totals[try row.value(0), default: RollupAccumulator()].merge(try RollupAccumulator(postgresRow: row, from: 1))
                }
            }
            let resolution = RollupResolution.minute
            return totals.mapValues { $0.record(bucketStart: range.from, resolution: resolution) }
        }
    }
}
