import Foundation
import PostgresNIO

extension PostgresStore {
    public func telemetry(deviceID: String, range: TimeRange, limit: Int) async throws(CollectorError) -> [TelemetryRecord] {
        let logger = self.logger
        return try await reading("reading telemetry of \(deviceID)") { connection in
            // The newest `limit` reports of the range, returned oldest first.
            let rows = try await Self.rows(connection, """
                SELECT device_id, stream, seq, time, received_at, interval_start, interval_end, model, digest, inferences, errors, dropped,
                    throughput, p50, p95, p99, max, cpu, rss, temp, queue_depth, predictions
                FROM telemetry WHERE device_id = \(deviceID) AND at >= \(range.from) AND at < \(range.to) ORDER BY at DESC, id DESC LIMIT \(Int64(limit))
                """, logger: logger)
            return try rows.reversed().map { row in
                TelemetryRecord(
                    deviceID: try row.value(0), stream: try row.value(1), seq: UInt64(stored: try row.value(2)), time: try row.value(3),
                    receivedAt: try row.value(4), intervalStart: try row.value(5), intervalEnd: try row.value(6), model: try row.value(7),
                    bundleDigest: try row.value(8), inferences: UInt64(stored: try row.value(9)), errors: UInt64(stored: try row.value(10)),
                    droppedInputs: UInt64(stored: try row.value(11)), throughput: try row.value(12), latencyP50Micros: UInt64(stored: try row.value(13)),
                    latencyP95Micros: UInt64(stored: try row.value(14)), latencyP99Micros: UInt64(stored: try row.value(15)),
                    latencyMaxMicros: UInt64(stored: try row.value(16)), cpuCores: try row.value(17), rssBytes: UInt64(stored: try row.value(18)),
                    temperatureCelsius: try row.value(19), queueDepth: Int(try row.value(20, as: Int64.self)),
                    predictions: CountsBlob.decode(try row.value(21, as: Data?.self)))
            }
        }
    }

    public func rollups(_ subject: RollupSubject, resolution: RollupResolution, range: TimeRange) async throws(CollectorError) -> [RollupRecord] {
        let logger = self.logger
        return try await reading("reading rollups") { connection in
            let columns = "bucket, \(RollupAccumulator.storedColumns)"
            let seconds = resolution.milliseconds / 1000
            let rows: [PostgresRandomAccessRow]
            switch subject {
            case .device(let id):
                rows = try await Self.rows(connection, """
                    SELECT \(unescaped: columns) FROM device_rollups
                    WHERE device_id = \(id) AND resolution = \(seconds) AND bucket >= \(range.from) AND bucket < \(range.to) ORDER BY bucket
                    """, logger: logger)
            case .model(let name, let digest):
                rows = try await Self.rows(connection, """
                    SELECT \(unescaped: columns) FROM model_rollups
                    WHERE model = \(name) AND (\(digest)::text IS NULL OR digest = \(digest)) AND resolution = \(seconds)
                        AND bucket >= \(range.from) AND bucket < \(range.to)
                    ORDER BY bucket
                    """, logger: logger)
            }
            // A model's buckets come once per digest: fold them per bucket.
            var folded: [(Int64, RollupAccumulator)] = []
            for row in rows {
                let accumulator = try RollupAccumulator(postgresRow: row, from: 1)
                let bucket: Int64 = try row.value(0)
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
        let logger = self.logger
        return try await reading("reading model latencies") { connection in
            let rows = try await Self.rows(connection, "SELECT model, latency, inferences FROM model_rollups WHERE resolution = 60 AND bucket >= \(since)",
                                           logger: logger)
            var byModel: [String: (LatencyHistogram, UInt64)] = [:]
            for row in rows {
                let name: String = try row.value(0)
                var entry = byModel[name] ?? (LatencyHistogram(), 0)
                entry.0.merge(LatencyHistogram(encoded: [UInt8](try row.value(1, as: Data?.self) ?? Data())))
                entry.1 &+= UInt64(stored: try row.value(2))
                byModel[name] = entry
            }
            return byModel.sorted { $0.key < $1.key }.compactMap { name, entry in
                guard let p50 = entry.0.quantile(0.5), let p95 = entry.0.quantile(0.95), let p99 = entry.0.quantile(0.99) else { return nil }
                return ModelLatency(model: name, p50Micros: p50, p95Micros: p95, p99Micros: p99, inferences: entry.1)
            }
        }
    }

    public func telemetryCount(deviceID: String?) async throws(CollectorError) -> Int {
        let logger = self.logger
        return try await reading("counting telemetry") { connection in
            let query: PostgresQuery = deviceID.map { "SELECT count(*) FROM telemetry WHERE device_id = \($0)" } ?? "SELECT count(*) FROM telemetry"
            return Int(try await Self.rows(connection, query, logger: logger).first?.value(0, as: Int64.self) ?? 0)
        }
    }

    public func telemetryStoredEver() async throws(CollectorError) -> Int {
        // Identity values only grow, so the largest is about the number ever inserted (rolled-back batches leave gaps).
        let logger = self.logger
        return try await reading("counting telemetry") { connection in
            Int(try await Self.rows(connection, "SELECT coalesce(max(id), 0) FROM telemetry", logger: logger).first?.value(0, as: Int64.self) ?? 0)
        }
    }
}
