import PostgresNIO

extension PostgresStore {
    public func operationsFigures() async throws(CollectorError) -> OperationsFigures {
        let logger = self.logger
        return try await reading("reading the operations figures") { connection in
            let profiles = try await Self.rows(connection, """
                SELECT coalesce(profile, 'unknown'), count(*), count(*) FILTER (WHERE NOT online),
                       max(lt_temp) FILTER (WHERE online), avg(lt_temp) FILTER (WHERE online)
                FROM devices GROUP BY 1 ORDER BY 1
                """, logger: logger).map { row in
                OperationsFigures.Profile(profile: try row.value(0, as: String.self), known: Int(try row.value(1, as: Int64.self)),
                                          offline: Int(try row.value(2, as: Int64.self)), maximumTemperature: try row.value(3, as: Double?.self),
                                          meanTemperature: try row.value(4, as: Double?.self))
            }
            var rollouts: [String: Int] = [:]
            for row in try await Self.rows(connection, "SELECT status, count(*) FROM rollouts GROUP BY status", logger: logger) {
                rollouts[try row.value(0, as: String.self)] = Int(try row.value(1, as: Int64.self))
            }
            let gaps = try await Self.rows(connection, "SELECT count(*) FROM (SELECT DISTINCT device_id, stream FROM stream_gaps) AS s",
                                           logger: logger).first.map { Int(try $0.value(0, as: Int64.self)) } ?? 0
            let lost = try await Self.rows(connection, "SELECT coalesce(sum(last - first + 1), 0)::BIGINT FROM stream_skips",
                                           logger: logger).first.map { Int(try $0.value(0, as: Int64.self)) } ?? 0
            return OperationsFigures(profiles: profiles, rollouts: rollouts, streamsWithGaps: gaps, lostMessages: lost)
        }
    }
}
