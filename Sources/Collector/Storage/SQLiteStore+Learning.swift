import Foundation
import GRDB

extension SQLiteStore {
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func parse<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    static let sampleColumns = "hash, model, dtype, shape, columns, bytes, label, source, device_id, captured_at, scale, zero_point"

    static func sample(from row: Row) throws -> DatasetSample {
        let bytes: Data = row[5]
        var sample = DatasetSample(model: row[1], dtype: row[2], shape: try parse([Int].self, row[3]), columns: try parse([String].self, row[4]),
                                   bytes: [UInt8](bytes), label: row[6], source: row[7], deviceID: row[8], capturedAt: row[9],
                                   scale: row[10], zeroPoint: row[11])
        sample.hash = row[0]
        return sample
    }

    public func putSamples(_ samples: [DatasetSample]) async throws(CollectorError) -> Int {
        guard !samples.isEmpty else { return 0 }
        return try await writing("storing \(samples.count) samples") { db in
            var added = 0
            for sample in samples {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO dataset_samples (\(Self.sampleColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [sample.hash, sample.model, sample.dtype, try Self.json(sample.shape), try Self.json(sample.columns),
                                     Data(sample.bytes), sample.label, sample.source, sample.deviceID, sample.capturedAt, sample.scale,
                                     sample.zeroPoint])
                if db.changesCount > 0 {
                    added += 1
                } else if let label = sample.label {
                    try db.execute(sql: "UPDATE dataset_samples SET label = ? WHERE hash = ?", arguments: [label, sample.hash])
                }
            }
            return added
        }
    }

    public func samples(hashes: [String]) async throws(CollectorError) -> [DatasetSample] {
        guard !hashes.isEmpty else { return [] }
        return try await reading("reading \(hashes.count) samples") { db in
            var result: [DatasetSample] = []
            result.reserveCapacity(hashes.count)
            // Bounded IN lists: SQLite limits bound parameters per statement.
            for start in stride(from: 0, to: hashes.count, by: 500) {
                let part = Array(hashes[start..<min(start + 500, hashes.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                result += try Row.fetchAll(db, sql: "SELECT \(Self.sampleColumns) FROM dataset_samples WHERE hash IN (\(marks))",
                                           arguments: StatementArguments(part)).map(Self.sample(from:))
            }
            return result
        }
    }

    public func importedSamples(model: String, from: Int64?, to: Int64?) async throws(CollectorError) -> [DatasetSample] {
        try await reading("reading imported samples of \(model)") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.sampleColumns) FROM dataset_samples
                WHERE model = ? AND source = 'import' AND label IS NOT NULL AND captured_at >= ? AND captured_at < ?
                ORDER BY hash
                """, arguments: [model, from ?? Int64.min, to ?? Int64.max]).map(Self.sample(from:))
        }
    }

    public func labelledCaptures(digests: [String], deviceIDs: [String]?, from: Int64?, to: Int64?, limit: Int) async throws(CollectorError)
        -> [CapturedSampleRow] {
        guard !digests.isEmpty, deviceIDs?.isEmpty != true else { return [] }
        return try await reading("reading labelled captures") { db in
            var arguments = StatementArguments(digests)
            var condition = "s.digest IN (\(Array(repeating: "?", count: digests.count).joined(separator: ",")))"
            if let deviceIDs {
                condition += " AND s.device_id IN (\(Array(repeating: "?", count: deviceIDs.count).joined(separator: ",")))"
                arguments += StatementArguments(deviceIDs)
            }
            arguments += [from ?? Int64.min, to ?? Int64.max, limit]
            // The newest label of each sample wins (a relabel corrects an earlier one).
            return try Row.fetchAll(db, sql: """
                SELECT * FROM (
                    SELECT s.id, s.device_id, s.sample_id, s.time, s.digest, s.body,
                        (SELECT l.label FROM labels l WHERE l.device_id = s.device_id AND l.sample_id = s.sample_id ORDER BY l.id DESC LIMIT 1)
                            AS label
                    FROM samples s WHERE \(condition) AND s.time >= ? AND s.time < ?
                ) WHERE label IS NOT NULL ORDER BY id LIMIT ?
                """, arguments: arguments).map { row in
                let body: Data = row[5]
                return CapturedSampleRow(rowID: row[0], deviceID: row[1], sampleID: row[2], time: row[3], digest: row[4], body: [UInt8](body),
                                         label: row[6])
            }
        }
    }

    public func linkCaptures(_ links: [(rowID: Int64, hash: String)]) async throws(CollectorError) {
        guard !links.isEmpty else { return }
        let pairs = links.map { (hash: $0.hash, rowID: $0.rowID) }
        try await writing("linking captures to their samples") { db in
            for pair in pairs {
                try db.execute(sql: "UPDATE samples SET sample_hash = ? WHERE id = ?", arguments: [pair.hash, pair.rowID])
            }
        }
    }

    public func insert(_ snapshot: DatasetSnapshot) async throws(CollectorError) -> DatasetSnapshot {
        let summary: String, filter: String, shape: String, columns: String
        do {
            summary = try Self.json(SnapshotSummary(snapshot))
            filter = try Self.json(snapshot.filter)
            shape = try Self.json(snapshot.shape)
            columns = try Self.json(snapshot.columns)
        } catch {
            throw CollectorError(.storage, "encoding snapshot \(snapshot.id) failed: \(error)")
        }
        let stored = try await writing("storing snapshot \(snapshot.id)") { db -> Bool in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM snapshots WHERE id = ?", arguments: [snapshot.id]) == true { return false }
            let missing = try Self.missingSamples(db, snapshot.members.map(\.sampleHash))
            guard missing.isEmpty else {
                throw CollectorError(.invalidRequest, "snapshot \(snapshot.id) names \(missing.count) samples the store does not hold (first \(missing[0]))")
            }
            try db.execute(sql: """
                INSERT INTO snapshots (id, model, dtype, shape, columns, validation_percent, filter, created_at, created_by, cause, summary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [snapshot.id, snapshot.model, snapshot.dtype, shape, columns, snapshot.validationPercent, filter,
                                 snapshot.createdAt, snapshot.createdBy, snapshot.cause, summary])
            let insert = try db.cachedStatement(sql: "INSERT INTO snapshot_members (snapshot_id, sample_hash, label, split) VALUES (?, ?, ?, ?)")
            for member in snapshot.members {
                try insert.execute(arguments: [snapshot.id, member.sampleHash, member.label, member.split.rawValue])
            }
            return true
        }
        if stored { return snapshot }
        guard let existing = try await self.snapshot(id: snapshot.id) else {
            throw CollectorError(.storage, "snapshot \(snapshot.id) vanished while being stored")
        }
        return existing
    }

    static func missingSamples(_ db: Database, _ hashes: [String]) throws -> [String] {
        let check = try db.cachedStatement(sql: "SELECT 1 FROM dataset_samples WHERE hash = ?")
        var missing: [String] = []
        for hash in hashes where try Bool.fetchOne(check, arguments: [hash]) != true { missing.append(hash) }
        return missing
    }

    public func snapshot(id: String) async throws(CollectorError) -> DatasetSnapshot? {
        try await reading("reading snapshot \(id)") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT model, dtype, shape, columns, validation_percent, filter, created_at, created_by, cause FROM snapshots WHERE id = ?
                """, arguments: [id]) else { return nil }
            let members = try Row.fetchAll(db, sql: "SELECT sample_hash, label, split FROM snapshot_members WHERE snapshot_id = ? ORDER BY sample_hash",
                                           arguments: [id]).map { member in
                SnapshotMember(sampleHash: member[0], label: member[1], split: SnapshotSplit(rawValue: member[2]) ?? .train)
            }
            var snapshot = DatasetSnapshot(model: row[0], dtype: row[1], shape: try Self.parse([Int].self, row[2]),
                                           columns: try Self.parse([String].self, row[3]), validationPercent: row[4], members: members,
                                           createdAt: row[6], createdBy: row[7], filter: try Self.parse(SnapshotFilter.self, row[5]), cause: row[8])
            // The id is the stored one: it was computed from these same fields when the snapshot was made.
            snapshot.id = id
            return snapshot
        }
    }

    public func snapshots(model: String?, limit: Int) async throws(CollectorError) -> [SnapshotSummary] {
        try await reading("listing snapshots") { db in
            let rows: [String]
            if let model {
                rows = try String.fetchAll(db, sql: "SELECT summary FROM snapshots WHERE model = ? ORDER BY created_at DESC, id LIMIT ?",
                                           arguments: [model, limit])
            } else {
                rows = try String.fetchAll(db, sql: "SELECT summary FROM snapshots ORDER BY created_at DESC, id LIMIT ?", arguments: [limit])
            }
            return try rows.map { try Self.parse(SnapshotSummary.self, $0) }
        }
    }

    public func insert(_ evaluation: EvaluationRecord) async throws(CollectorError) -> EvaluationRecord {
        let reasons: String
        do { reasons = try Self.json(evaluation.reasons) } catch { throw CollectorError(.storage, "encoding reasons failed: \(error)") }
        return try await writing("storing the evaluation of \(evaluation.model) release \(evaluation.release)") { db in
            let release = Int64(storing: evaluation.release)
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM model_versions WHERE model = ? AND release = ?",
                                    arguments: [evaluation.model, release]) == true else {
                throw CollectorError(.notFound, "\(evaluation.model) has no version with release counter \(evaluation.release)")
            }
            try db.execute(sql: """
                INSERT INTO evaluations (model, release, snapshot_id, blessed, reasons, report, evaluated_at, evaluated_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [evaluation.model, release, evaluation.snapshotID, evaluation.blessed, reasons, evaluation.report,
                                 evaluation.evaluatedAt, evaluation.evaluatedBy])
            var stored = evaluation
            stored.id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE model_versions SET blessed = ?, blessed_at = ?, blessed_by = ? WHERE model = ? AND release = ?",
                           arguments: [evaluation.blessed, evaluation.evaluatedAt, evaluation.evaluatedBy, evaluation.model, release])
            return stored
        }
    }

    public func evaluations(model: String, release: UInt64) async throws(CollectorError) -> [EvaluationRecord] {
        try await reading("reading evaluations of \(model) release \(release)") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, snapshot_id, blessed, reasons, report, evaluated_at, evaluated_by FROM evaluations
                WHERE model = ? AND release = ? ORDER BY id DESC
                """, arguments: [model, Int64(storing: release)]).map { row in
                EvaluationRecord(id: row[0], model: model, release: release, snapshotID: row[1], blessed: row[2],
                                 reasons: try Self.parse([String].self, row[3]), report: row[4], evaluatedAt: row[5], evaluatedBy: row[6])
            }
        }
    }

    static let jobColumns = "id, model, snapshot_id, kind, options, state, progress, message, result, created_at, created_by, updated_at, cause"

    static func job(from row: Row) -> TrainingJobRecord {
        TrainingJobRecord(id: row[0], model: row[1], snapshotID: row[2], kind: row[3], options: row[4],
                          state: TrainingJobState(rawValue: row[5]) ?? .failed, progress: row[6], message: row[7], result: row[8],
                          createdAt: row[9], createdBy: row[10], updatedAt: row[11], cause: row[12])
    }

    public func insert(_ job: TrainingJobRecord) async throws(CollectorError) -> TrainingJobRecord {
        try await writing("queueing a training job for \(job.model)") { db in
            try db.execute(sql: """
                INSERT INTO training_jobs (model, snapshot_id, kind, options, state, progress, message, result, created_at, created_by, updated_at, cause)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job.model, job.snapshotID, job.kind, job.options, job.state.rawValue, job.progress, job.message, job.result,
                                 job.createdAt, job.createdBy, job.updatedAt, job.cause])
            var stored = job
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func job(id: Int64) async throws(CollectorError) -> TrainingJobRecord? {
        try await reading("reading training job \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.jobColumns) FROM training_jobs WHERE id = ?", arguments: [id]).map(Self.job(from:))
        }
    }

    public func jobs(model: String?, states: [TrainingJobState]?, limit: Int) async throws(CollectorError) -> [TrainingJobRecord] {
        try await reading("listing training jobs") { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let model { conditions.append("model = ?"); arguments += [model] }
            if let states {
                conditions.append("state IN (\(states.map { "'\($0.rawValue)'" }.joined(separator: ",")))")
            }
            arguments += [limit]
            let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT \(Self.jobColumns) FROM training_jobs \(condition) ORDER BY id DESC LIMIT ?",
                                    arguments: arguments).map(Self.job(from:))
        }
    }

    public func transition(jobID: Int64, from: [TrainingJobState], to state: TrainingJobState, progress: Double?, message: String?,
                           result: String?, at time: Int64) async throws(CollectorError) -> TrainingJobRecord? {
        try await writing("moving training job \(jobID) to \(state.rawValue)") { db in
            try db.execute(sql: """
                UPDATE training_jobs SET state = ?, progress = coalesce(?, progress), message = coalesce(?, message),
                    result = coalesce(?, result), updated_at = ?
                WHERE id = ? AND state IN (\(from.map { "'\($0.rawValue)'" }.joined(separator: ",")))
                """, arguments: [state.rawValue, progress, message, result, time, jobID])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(Self.jobColumns) FROM training_jobs WHERE id = ?", arguments: [jobID]).map(Self.job(from:))
        }
    }

    /// Deletes captured samples received before `cutoff` except those a snapshot references, in bounded steps.
    func deleteOldSamples(than cutoff: Int64) async throws(CollectorError) -> Int {
        var total = 0
        while true {
            let deleted = try await writing("deleting old captured samples") { db in
                try db.execute(sql: """
                    DELETE FROM samples WHERE id IN (
                        SELECT id FROM samples WHERE received_at < ?
                            AND (sample_hash IS NULL OR NOT EXISTS (SELECT 1 FROM snapshot_members m WHERE m.sample_hash = samples.sample_hash))
                        ORDER BY id LIMIT ?)
                    """, arguments: [cutoff, Self.retentionStep])
                return db.changesCount
            }
            total += deleted
            if deleted < Self.retentionStep { return total }
            await Task.yield()
        }
    }

    /// Deletes stored training samples older than `cutoff` that no snapshot references.
    func deleteUnreferencedDatasetSamples(than cutoff: Int64) async throws(CollectorError) -> Int {
        try await writing("deleting unreferenced training samples") { db in
            try db.execute(sql: """
                DELETE FROM dataset_samples WHERE captured_at < ?
                    AND NOT EXISTS (SELECT 1 FROM snapshot_members m WHERE m.sample_hash = dataset_samples.hash)
                """, arguments: [cutoff])
            return db.changesCount
        }
    }
}
