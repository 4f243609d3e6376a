import Foundation
import GRDB

extension SQLiteStore {
    public func learningLoop(model: String) async throws(CollectorError) -> LearningLoop? {
        try await reading("reading a learning loop") { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM learning_loops WHERE model = ?", arguments: [model]) else { return nil }
            return try JSONDecoder().decode(LearningLoop.self, from: Data(body.utf8))
        }
    }

    public func learningLoops() async throws(CollectorError) -> [LearningLoop] {
        try await reading("reading learning loops") { db in
            try String.fetchAll(db, sql: "SELECT body FROM learning_loops ORDER BY model").map {
                try JSONDecoder().decode(LearningLoop.self, from: Data($0.utf8))
            }
        }
    }

    public func save(_ loop: LearningLoop) async throws(CollectorError) {
        try await writing("storing a learning loop") { db in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try db.execute(sql: """
                INSERT INTO learning_loops (model, body, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(model) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, arguments: [loop.model, String(decoding: try encoder.encode(loop), as: UTF8.self), loop.phaseSince])
        }
    }

    public func labelCount(model: String, devices: [String]?, since: Int64) async throws(CollectorError) -> Int {
        try await reading("counting labels") { db in
            let digests = "SELECT digest FROM model_versions WHERE model = ?"
            guard let devices else {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM labels WHERE time >= ? AND digest IN (\(digests))",
                                        arguments: [since, model]) ?? 0
            }
            var total = 0
            for start in stride(from: 0, to: devices.count, by: 500) {
                let chunk = Array(devices[start..<min(start + 500, devices.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                total += try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM labels WHERE time >= ? AND digest IN (\(digests)) AND device_id IN (\(marks))
                    """, arguments: StatementArguments([since, model] as [any DatabaseValueConvertible]) + StatementArguments(chunk)) ?? 0
            }
            return total
        }
    }

    public func labelAccuracy(model: String, since: Int64) async throws(CollectorError) -> [LabelAccuracy] {
        try await reading("reading label accuracy") { db in
            try Row.fetchAll(db, sql: """
                SELECT v.release, v.version, COALESCE(d.profile, ''), COUNT(*), SUM(CASE WHEN l.correct = 1 THEN 1 ELSE 0 END)
                FROM labels l JOIN model_versions v ON v.digest = l.digest LEFT JOIN devices d ON d.id = l.device_id
                WHERE v.model = ? AND l.time >= ? AND l.matched = 1
                GROUP BY v.release, v.version, d.profile ORDER BY v.release, d.profile
                """, arguments: [model, since]).map { row in
                LabelAccuracy(release: UInt64(clamping: row[0] as Int64), version: row[1], profile: row[2], labelled: row[3], correct: row[4])
            }
        }
    }
}
