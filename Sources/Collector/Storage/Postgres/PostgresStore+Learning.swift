import Foundation
import PostgresNIO

extension PostgresStore {
    static let sampleColumns = "hash, model, dtype, shape, columns, bytes, label, source, device_id, captured_at, scale, zero_point"

    static func sample(from row: PostgresRandomAccessRow) throws -> DatasetSample {
        var sample = DatasetSample(model: try row.value(1), dtype: try row.value(2), shape: try SQLiteStore.parse([Int].self, try row.value(3)),
                                   columns: try SQLiteStore.parse([String].self, try row.value(4)), bytes: [UInt8](try row.value(5, as: Data.self)),
                                   label: try row.value(6), source: try row.value(7), deviceID: try row.value(8), capturedAt: try row.value(9),
                                   scale: try row.value(10), zeroPoint: try row.value(11, as: Int64?.self).map { Int($0) })
        sample.hash = try row.value(0)
        return sample
    }

    public func putSamples(_ samples: [DatasetSample]) async throws(CollectorError) -> Int {
        guard !samples.isEmpty else { return 0 }
        var encoded: [(DatasetSample, shape: String, columns: String)] = []
        do {
            for sample in samples { encoded.append((sample, try SQLiteStore.json(sample.shape), try SQLiteStore.json(sample.columns))) }
        } catch {
            throw CollectorError(.storage, "encoding samples failed: \(error)")
        }
        let rows = encoded
        let logger = self.logger
        return try await writing("storing \(samples.count) samples") { connection in
            var added = 0
            for (sample, shape, columns) in rows {
                let inserted = try await Self.execute(connection, """
                    INSERT INTO dataset_samples (hash, model, dtype, shape, columns, bytes, label, source, device_id, captured_at, scale, zero_point)
                    VALUES (\(sample.hash), \(sample.model), \(sample.dtype), \(shape), \(columns), \(Data(sample.bytes)), \(sample.label),
                        \(sample.source), \(sample.deviceID), \(sample.capturedAt), \(sample.scale), \(sample.zeroPoint.map { Int64($0) }))
                    ON CONFLICT (hash) DO NOTHING RETURNING 1
                    """, logger: logger)
                if inserted > 0 {
                    added += 1
                } else if let label = sample.label {
                    try await connection.query("UPDATE dataset_samples SET label = \(label) WHERE hash = \(sample.hash)", logger: logger)
                }
            }
            return added
        }
    }

    public func samples(hashes: [String]) async throws(CollectorError) -> [DatasetSample] {
        guard !hashes.isEmpty else { return [] }
        let logger = self.logger
        return try await reading("reading \(hashes.count) samples") { connection in
            var result: [DatasetSample] = []
            result.reserveCapacity(hashes.count)
            // One array parameter per statement; chunks keep each result small.
            for start in stride(from: 0, to: hashes.count, by: 5000) {
                let part = Array(hashes[start..<min(start + 5000, hashes.count)])
                result += try await Self.rows(connection, """
                    SELECT \(unescaped: Self.sampleColumns) FROM dataset_samples WHERE hash = ANY(\(part))
                    """, logger: logger).map(Self.sample(from:))
            }
            return result
        }
    }

    public func importedSamples(model: String, from: Int64?, to: Int64?) async throws(CollectorError) -> [DatasetSample] {
        let logger = self.logger
        return try await reading("reading imported samples of \(model)") { connection in
            try await Self.rows(connection, """
                SELECT \(unescaped: Self.sampleColumns) FROM dataset_samples
                WHERE model = \(model) AND source = 'import' AND label IS NOT NULL AND captured_at >= \(from ?? Int64.min) AND captured_at < \(to ?? Int64.max)
                ORDER BY hash COLLATE "C"
                """, logger: logger).map(Self.sample(from:))
        }
    }

    public func labelledCaptures(digests: [String], deviceIDs: [String]?, from: Int64?, to: Int64?, limit: Int) async throws(CollectorError)
        -> [CapturedSampleRow] {
        guard !digests.isEmpty, deviceIDs?.isEmpty != true else { return [] }
        let logger = self.logger
        return try await reading("reading labelled captures") { connection in
            // The newest label of each sample wins (a relabel corrects an earlier one).
            try await Self.rows(connection, """
                SELECT * FROM (
                    SELECT s.id, s.device_id, s.sample_id, s.time, s.digest, s.body,
                        (SELECT l.label FROM labels l WHERE l.device_id = s.device_id AND l.sample_id = s.sample_id ORDER BY l.id DESC LIMIT 1)
                            AS label
                    FROM samples s
                    WHERE s.digest = ANY(\(digests)) AND (\(deviceIDs)::text[] IS NULL OR s.device_id = ANY(\(deviceIDs)::text[]))
                        AND s.time >= \(from ?? Int64.min) AND s.time < \(to ?? Int64.max)
                ) captured WHERE label IS NOT NULL ORDER BY id LIMIT \(Int64(limit))
                """, logger: logger).map { row in
                CapturedSampleRow(rowID: try row.value(0), deviceID: try row.value(1), sampleID: try row.value(2), time: try row.value(3),
                                  digest: try row.value(4), body: [UInt8](try row.value(5, as: Data.self)), label: Int(try row.value(6, as: Int64.self)))
            }
        }
    }

    public func linkCaptures(_ links: [(rowID: Int64, hash: String)]) async throws(CollectorError) {
        guard !links.isEmpty else { return }
        let ids = links.map(\.rowID), hashes = links.map(\.hash)
        let logger = self.logger
        try await writing("linking captures to their samples") { connection in
            try await connection.query("""
                UPDATE samples SET sample_hash = link.hash FROM unnest(\(ids)::bigint[], \(hashes)::text[]) AS link(id, hash) WHERE samples.id = link.id
                """, logger: logger)
        }
    }

    public func insert(_ snapshot: DatasetSnapshot) async throws(CollectorError) -> DatasetSnapshot {
        let summary: String, filter: String, shape: String, columns: String
        do {
            summary = try SQLiteStore.json(SnapshotSummary(snapshot))
            filter = try SQLiteStore.json(snapshot.filter)
            shape = try SQLiteStore.json(snapshot.shape)
            columns = try SQLiteStore.json(snapshot.columns)
        } catch {
            throw CollectorError(.storage, "encoding snapshot \(snapshot.id) failed: \(error)")
        }
        let hashes = snapshot.members.map(\.sampleHash), labels = snapshot.members.map(\.label), splits = snapshot.members.map(\.split.rawValue)
        let logger = self.logger
        let stored = try await writing("storing snapshot \(snapshot.id)") { connection -> Bool in
            let missing = try await Self.rows(connection, """
                SELECT h FROM unnest(\(hashes)::text[]) AS h WHERE NOT EXISTS (SELECT 1 FROM dataset_samples WHERE hash = h) LIMIT 1
                """, logger: logger)
            if let row = missing.first {
                let first = try row.value(0, as: String.self)
                throw CollectorError(.invalidRequest, "snapshot \(snapshot.id) names samples the store does not hold (first \(first))")
            }
            // A concurrent insert of the same snapshot (another collector) is waited for, then found: the first one stays.
            let inserted = try await Self.execute(connection, """
                INSERT INTO snapshots (id, model, dtype, shape, columns, validation_percent, filter, created_at, created_by, cause, summary)
                VALUES (\(snapshot.id), \(snapshot.model), \(snapshot.dtype), \(shape), \(columns), \(Int64(snapshot.validationPercent)), \(filter),
                    \(snapshot.createdAt), \(snapshot.createdBy), \(snapshot.cause), \(summary))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: logger)
            guard inserted > 0 else { return false }
            try await connection.query("""
                INSERT INTO snapshot_members (snapshot_id, sample_hash, label, split)
                SELECT \(snapshot.id), m.hash, m.label, m.split FROM unnest(\(hashes)::text[], \(labels)::text[], \(splits)::text[]) AS m(hash, label, split)
                """, logger: logger)
            return true
        }
        if stored { return snapshot }
        guard let existing = try await self.snapshot(id: snapshot.id) else {
            throw CollectorError(.storage, "snapshot \(snapshot.id) vanished while being stored")
        }
        return existing
    }

    public func snapshot(id: String) async throws(CollectorError) -> DatasetSnapshot? {
        let logger = self.logger
        return try await reading("reading snapshot \(id)") { connection in
            guard let row = try await Self.rows(connection, """
                SELECT model, dtype, shape, columns, validation_percent, filter, created_at, created_by, cause FROM snapshots WHERE id = \(id)
                """, logger: logger).first else { return nil }
            let members = try await Self.rows(connection, """
                SELECT sample_hash, label, split FROM snapshot_members WHERE snapshot_id = \(id) ORDER BY sample_hash COLLATE "C"
                """, logger: logger).map { member in
                SnapshotMember(sampleHash: try member.value(0), label: try member.value(1),
                               split: SnapshotSplit(rawValue: try member.value(2, as: String.self)) ?? .train)
            }
            var snapshot = DatasetSnapshot(model: try row.value(0), dtype: try row.value(1), shape: try SQLiteStore.parse([Int].self, try row.value(2)),
                                           columns: try SQLiteStore.parse([String].self, try row.value(3)),
                                           validationPercent: Int(try row.value(4, as: Int64.self)), members: members,
                                           createdAt: try row.value(6), createdBy: try row.value(7),
                                           filter: try SQLiteStore.parse(SnapshotFilter.self, try row.value(5)), cause: try row.value(8))
            // The id is the stored one: it was computed from these same fields when the snapshot was made.
            snapshot.id = id
            return snapshot
        }
    }

    public func snapshots(model: String?, limit: Int) async throws(CollectorError) -> [SnapshotSummary] {
        let logger = self.logger
        return try await reading("listing snapshots") { connection in
            try await Self.rows(connection, """
                SELECT summary FROM snapshots WHERE (\(model)::text IS NULL OR model = \(model))
                ORDER BY created_at DESC, id COLLATE "C" LIMIT \(Int64(limit))
                """, logger: logger).map { try SQLiteStore.parse(SnapshotSummary.self, try $0.value(0)) }
        }
    }

    public func insert(_ evaluation: EvaluationRecord) async throws(CollectorError) -> EvaluationRecord {
        let reasons: String
        do { reasons = try SQLiteStore.json(evaluation.reasons) } catch { throw CollectorError(.storage, "encoding reasons failed: \(error)") }
        let logger = self.logger
        return try await writing("storing the evaluation of \(evaluation.model) release \(evaluation.release)") { connection in
            let release = Int64(storing: evaluation.release)
            guard try await !Self.rows(connection, "SELECT 1 FROM model_versions WHERE model = \(evaluation.model) AND release = \(release)",
                                       logger: logger).isEmpty else {
                throw CollectorError(.notFound, "\(evaluation.model) has no version with release counter \(evaluation.release)")
            }
            var stored = evaluation
            stored.id = try await Self.rows(connection, """
                INSERT INTO evaluations (model, release, snapshot_id, blessed, reasons, report, evaluated_at, evaluated_by)
                VALUES (\(evaluation.model), \(release), \(evaluation.snapshotID), \(evaluation.blessed), \(reasons), \(evaluation.report),
                    \(evaluation.evaluatedAt), \(evaluation.evaluatedBy))
                RETURNING id
                """, logger: logger)[0].value(0, as: Int64.self)
            try await connection.query("""
                UPDATE model_versions SET blessed = \(evaluation.blessed), blessed_at = \(evaluation.evaluatedAt), blessed_by = \(evaluation.evaluatedBy)
                WHERE model = \(evaluation.model) AND release = \(release)
                """, logger: logger)
            return stored
        }
    }

    public func evaluations(model: String, release: UInt64) async throws(CollectorError) -> [EvaluationRecord] {
        let logger = self.logger
        return try await reading("reading evaluations of \(model) release \(release)") { connection in
            try await Self.rows(connection, """
                SELECT id, snapshot_id, blessed, reasons, report, evaluated_at, evaluated_by FROM evaluations
                WHERE model = \(model) AND release = \(Int64(storing: release)) ORDER BY id DESC
                """, logger: logger).map { row in
                EvaluationRecord(id: try row.value(0), model: model, release: release, snapshotID: try row.value(1), blessed: try row.value(2),
                                 reasons: try SQLiteStore.parse([String].self, try row.value(3)), report: try row.value(4),
                                 evaluatedAt: try row.value(5), evaluatedBy: try row.value(6))
            }
        }
    }

    static let jobColumns = "id, model, snapshot_id, kind, options, state, progress, message, result, created_at, created_by, updated_at, cause"

    static func job(from row: PostgresRandomAccessRow) throws -> TrainingJobRecord {
        TrainingJobRecord(id: try row.value(0), model: try row.value(1), snapshotID: try row.value(2), kind: try row.value(3), options: try row.value(4),
                          state: TrainingJobState(rawValue: try row.value(5, as: String.self)) ?? .failed, progress: try row.value(6),
                          message: try row.value(7), result: try row.value(8), createdAt: try row.value(9), createdBy: try row.value(10),
                          updatedAt: try row.value(11), cause: try row.value(12))
    }

    public func insert(_ job: TrainingJobRecord) async throws(CollectorError) -> TrainingJobRecord {
        let logger = self.logger
        return try await writing("queueing a training job for \(job.model)") { connection in
            var stored = job
            stored.id = try await Self.rows(connection, """
                INSERT INTO training_jobs (model, snapshot_id, kind, options, state, progress, message, result, created_at, created_by, updated_at, cause)
                VALUES (\(job.model), \(job.snapshotID), \(job.kind), \(job.options), \(job.state.rawValue), \(job.progress), \(job.message), \(job.result),
                    \(job.createdAt), \(job.createdBy), \(job.updatedAt), \(job.cause))
                RETURNING id
                """, logger: logger)[0].value(0, as: Int64.self)
            return stored
        }
    }

    public func job(id: Int64) async throws(CollectorError) -> TrainingJobRecord? {
        let logger = self.logger
        return try await reading("reading training job \(id)") { connection in
            try await Self.rows(connection, "SELECT \(unescaped: Self.jobColumns) FROM training_jobs WHERE id = \(id)", logger: logger)
                .first.map(Self.job(from:))
        }
    }

    public func jobs(model: String?, states: [TrainingJobState]?, limit: Int) async throws(CollectorError) -> [TrainingJobRecord] {
        let logger = self.logger
        let names = states?.map(\.rawValue)
        return try await reading("listing training jobs") { connection in
            try await Self.rows(connection, """
                SELECT \(unescaped: Self.jobColumns) FROM training_jobs
                WHERE (\(model)::text IS NULL OR model = \(model)) AND (\(names)::text[] IS NULL OR state = ANY(\(names)::text[]))
                ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: logger).map(Self.job(from:))
        }
    }

    public func transition(jobID: Int64, from: [TrainingJobState], to state: TrainingJobState, progress: Double?, message: String?,
                           result: String?, at time: Int64) async throws(CollectorError) -> TrainingJobRecord? {
        let logger = self.logger
        let expected = from.map(\.rawValue)
        // One statement: the row lock makes it a compare-and-set between collectors too (a job is claimed once).
        return try await writing("moving training job \(jobID) to \(state.rawValue)") { connection in
            try await Self.rows(connection, """
                UPDATE training_jobs SET state = \(state.rawValue), progress = coalesce(\(progress), progress), message = coalesce(\(message), message),
                    result = coalesce(\(result), result), updated_at = \(time)
                WHERE id = \(jobID) AND state = ANY(\(expected)::text[])
                RETURNING \(unescaped: Self.jobColumns)
                """, logger: logger).first.map(Self.job(from:))
        }
    }

    /// Deletes captured samples received before `cutoff` except those a snapshot references, in bounded steps.
    func deleteOldSamples(than cutoff: Int64) async throws(CollectorError) -> Int {
        let logger = self.logger
        var total = 0
        while true {
            let deleted = try await writing("deleting old captured samples") { connection in
                try await Self.execute(connection, """
                    DELETE FROM samples WHERE id IN (
                        SELECT id FROM samples WHERE received_at < \(cutoff)
                            AND (sample_hash IS NULL OR NOT EXISTS (SELECT 1 FROM snapshot_members m WHERE m.sample_hash = samples.sample_hash))
                        ORDER BY id LIMIT \(Int64(SQLiteStore.retentionStep)))
                    RETURNING 1
                    """, logger: logger)
            }
            total += deleted
            if deleted < SQLiteStore.retentionStep { return total }
            await Task.yield()
        }
    }

    /// Deletes stored training samples older than `cutoff` that no snapshot references.
    func deleteUnreferencedDatasetSamples(than cutoff: Int64) async throws(CollectorError) -> Int {
        let logger = self.logger
        return try await writing("deleting unreferenced training samples") { connection in
            try await Self.execute(connection, """
                DELETE FROM dataset_samples WHERE captured_at < \(cutoff)
                    AND NOT EXISTS (SELECT 1 FROM snapshot_members m WHERE m.sample_hash = dataset_samples.hash)
                RETURNING 1
                """, logger: logger)
        }
    }
}
