import GRDB

extension SQLiteStore {
    public func operationsFigures() async throws(CollectorError) -> OperationsFigures {
        try await reading("reading the operations figures") { db in
            let profiles = try Row.fetchAll(db, sql: """
                SELECT coalesce(profile, 'unknown'), count(*), coalesce(sum(online = 0), 0),
                       max(CASE WHEN online = 1 THEN lt_temp END), avg(CASE WHEN online = 1 THEN lt_temp END)
                FROM devices GROUP BY 1 ORDER BY 1
                """).map { row in
                OperationsFigures.Profile(profile: row[0], known: row[1], offline: row[2], maximumTemperature: row[3], meanTemperature: row[4])
            }
            var rollouts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM rollouts GROUP BY status") { rollouts[row[0]] = row[1] }
            let gaps = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT DISTINCT device_id, stream FROM stream_gaps)") ?? 0
            let lost = try Int.fetchOne(db, sql: "SELECT coalesce(sum(last - first + 1), 0) FROM stream_skips") ?? 0
            return OperationsFigures(profiles: profiles, rollouts: rollouts, streamsWithGaps: gaps, lostMessages: lost)
        }
    }
}
