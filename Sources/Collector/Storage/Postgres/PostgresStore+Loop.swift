import Foundation
import PostgresNIO

extension PostgresStore {
    public func learningLoop(model: String) async throws(CollectorError) -> LearningLoop? {
        let logger = self.logger
        return try await reading("reading a learning loop") { connection in
            guard let row = try await Self.rows(connection, "SELECT body FROM learning_loops WHERE model = \(model)", logger: logger).first else { return nil }
            return try JSONDecoder().decode(LearningLoop.self, from: Data(try row.value(0, as: String.self).utf8))
        }
    }

    public func learningLoops() async throws(CollectorError) -> [LearningLoop] {
        let logger = self.logger
        return try await reading("reading learning loops") { connection in
            try await Self.rows(connection, "SELECT body FROM learning_loops ORDER BY model COLLATE \"C\"", logger: logger).map {
                try JSONDecoder().decode(LearningLoop.self, from: Data(try $0.value(0, as: String.self).utf8))
            }
        }
    }

    public func save(_ loop: LearningLoop) async throws(CollectorError) {
        let body: String
        do { body = try SQLiteStore.json(loop) } catch { throw CollectorError(.storage, "encoding the learning loop of \(loop.model) failed: \(error)") }
        let logger = self.logger
        try await writing("storing a learning loop") { connection in
            try await connection.query("""
                INSERT INTO learning_loops (model, body, updated_at) VALUES (\(loop.model), \(body), \(loop.phaseSince))
                ON CONFLICT (model) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, logger: logger)
        }
    }

    public func labelCount(model: String, devices: [String]?, since: Int64) async throws(CollectorError) -> Int {
        let logger = self.logger
        return try await reading("counting labels") { connection in
            let count = try await Self.rows(connection, """
                SELECT count(*) FROM labels
                WHERE time >= \(since) AND digest IN (SELECT digest FROM model_versions WHERE model = \(model))
                    AND (\(devices)::text[] IS NULL OR device_id = ANY(\(devices)::text[]))
                """, logger: logger).first?.value(0, as: Int64.self) ?? 0
            return Int(count)
        }
    }

    public func labelAccuracy(model: String, since: Int64) async throws(CollectorError) -> [LabelAccuracy] {
        let logger = self.logger
        return try await reading("reading label accuracy") { connection in
            try await Self.rows(connection, """
                SELECT v.release, v.version, COALESCE(d.profile, ''), count(*), SUM(CASE WHEN l.correct THEN 1 ELSE 0 END)
                FROM labels l JOIN model_versions v ON v.digest = l.digest LEFT JOIN devices d ON d.id = l.device_id
                WHERE v.model = \(model) AND l.time >= \(since) AND l.matched
                GROUP BY v.release, v.version, d.profile ORDER BY v.release, d.profile COLLATE "C"
                """, logger: logger).map { row in
                LabelAccuracy(release: UInt64(clamping: try row.value(0, as: Int64.self)), version: try row.value(1), profile: try row.value(2),
                              labelled: Int(try row.value(3, as: Int64.self)), correct: Int(try row.value(4, as: Int64.self)))
            }
        }
    }
}
