import Foundation
import GRDB

extension SQLiteStore {
    public func telemetry(deviceID: String, range: TimeRange, limit: Int) async throws(CollectorError) -> [TelemetryRecord] {
        try await reading("reading telemetry of \(deviceID)") { db in
            // The newest `limit` reports of the range, returned oldest first.
            let rows = try Row.fetchAll(db, sql: """
                SELECT device_id, stream, seq, time, received_at, interval_start, interval_end, model, digest, inferences, errors, dropped,
                    throughput, p50, p95, p99, max, cpu, rss, temp, queue_depth, predictions
                FROM telemetry WHERE device_id = ? AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?
                """, arguments: [deviceID, range.from, range.to, limit])
            return rows.reversed().map { row in
                TelemetryRecord(
                    deviceID: row[0], stream: row[1], seq: UInt64(stored: row[2]), time: row[3], receivedAt: row[4], intervalStart: row[5],
                    intervalEnd: row[6], model: row[7], bundleDigest: row[8], inferences: UInt64(stored: row[9]), errors: UInt64(stored: row[10]),
                    droppedInputs: UInt64(stored: row[11]), throughput: row[12], latencyP50Micros: UInt64(stored: row[13]),
                    latencyP95Micros: UInt64(stored: row[14]), latencyP99Micros: UInt64(stored: row[15]), latencyMaxMicros: UInt64(stored: row[16]),
                    cpuCores: row[17], rssBytes: UInt64(stored: row[18]), temperatureCelsius: row[19], queueDepth: row[20],
                    predictions: CountsBlob.decode(row[21]))
            }
        }
    }

    public func rollups(_ subject: RollupSubject, resolution: RollupResolution, range: TimeRange) async throws(CollectorError) -> [RollupRecord] {
        try await reading("reading rollups") { db in
            let rows: [Row]
            let columns = "bucket, \(RollupAccumulator.storedColumns)"
            let seconds = resolution.milliseconds / 1000
            switch subject {
            case .device(let id):
                rows = try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM device_rollups WHERE device_id = ? AND resolution = ? AND bucket >= ? AND bucket < ? ORDER BY bucket
                    """, arguments: [id, seconds, range.from, range.to])
            case .model(let name, let digest):
                rows = try Row.fetchAll(db, sql: """
                    SELECT \(columns) FROM model_rollups WHERE model = ? AND (? IS NULL OR digest = ?) AND resolution = ? AND bucket >= ? AND bucket < ?
                    ORDER BY bucket
                    """, arguments: [name, digest, digest, seconds, range.from, range.to])
            }
            // A model's buckets come once per digest: fold them per bucket.
            var folded: [(Int64, RollupAccumulator)] = []
            for row in rows {
                let accumulator = RollupAccumulator(row: row, from: 1)
                let bucket: Int64 = row[0]
                if let last = folded.last, last.0 == bucket {
                    folded[folded.count - 1].1.merge(accumulator)
                } else {
                    folded.append((bucket, accumulator))
                }
            }
            return folded.map { $0.1.record(bucketStart: $0.0, resolution: resolution) }
        }
    }

    public func modelLatencies(since: Int64) async throws(CollectorError) -> [ModelLatency] {
        try await reading("reading model latencies") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT model, latency, inferences FROM model_rollups WHERE resolution = 60 AND bucket >= ?
                """, arguments: [since])
            var byModel: [String: (LatencyHistogram, UInt64)] = [:]
            for row in rows {
                let name: String = row[0]
                var entry = byModel[name] ?? (LatencyHistogram(), 0)
                entry.0.merge(LatencyHistogram(encoded: [UInt8]((row[1] as Data?) ?? Data())))
                entry.1 &+= UInt64(stored: row[2])
                byModel[name] = entry
            }
            return byModel.sorted { $0.key < $1.key }.compactMap { name, entry in
                guard let p50 = entry.0.quantile(0.5), let p95 = entry.0.quantile(0.95), let p99 = entry.0.quantile(0.99) else { return nil }
                return ModelLatency(model: name, p50Micros: p50, p95Micros: p95, p99Micros: p99, inferences: entry.1)
            }
        }
    }

    public func telemetryCount(deviceID: String?) async throws(CollectorError) -> Int {
        try await reading("counting telemetry") { db in
            if let deviceID {
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry WHERE device_id = ?", arguments: [deviceID]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry") ?? 0
        }
    }

    public func telemetryStoredEver() async throws(CollectorError) -> Int {
        // Row IDs only grow, so the largest is the number ever inserted; max() on the rowid needs no scan.
        try await reading("counting telemetry") { db in try Int.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM telemetry") ?? 0 }
    }
}
