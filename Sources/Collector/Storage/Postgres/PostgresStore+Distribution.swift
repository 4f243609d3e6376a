import Foundation
import PostgresNIO

extension PostgresStore {
    public func insert(_ a: AssignmentRecord) async throws(CollectorError) {
        let logger = self.logger
        try await writing("recording assignment \(a.id)") { connection in
            try await connection.query("""
                INSERT INTO assignments (id, device_id, model, release, version, digest, size, chunk_size, shadow_seconds, minimum_agreement,
                    probation_seconds, created_at, created_by)
                VALUES (\(a.id), \(a.deviceID), \(a.model), \(Int64(storing: a.release)), \(a.version), \(a.digest), \(Int64(a.size)),
                    \(Int64(a.chunkSize)), \(a.shadowSeconds), \(a.minimumAgreement), \(a.probationSeconds), \(a.createdAt), \(a.createdBy))
                """, logger: logger)
            return ()
        }
    }

    public func assignments(deviceID: String?, digest: String?, limit: Int) async throws(CollectorError) -> [AssignmentRecord] {
        let logger = self.logger
        return try await reading("listing assignments") { connection in
            try await Self.rows(connection, """
                SELECT id, device_id, model, release, version, digest, size, chunk_size, shadow_seconds, minimum_agreement, probation_seconds,
                    created_at, created_by, phase, phase_at, bytes_received, error
                FROM assignments WHERE (\(deviceID)::text IS NULL OR device_id = \(deviceID)) AND (\(digest)::text IS NULL OR digest = \(digest))
                ORDER BY created_at DESC, seq DESC LIMIT \(Int64(limit))
                """, logger: logger).map { row in
                AssignmentRecord(id: try row.value(0), deviceID: try row.value(1), model: try row.value(2), release: UInt64(stored: try row.value(3)),
                                 version: try row.value(4), digest: try row.value(5), size: Int(try row.value(6, as: Int64.self)),
                                 chunkSize: Int(try row.value(7, as: Int64.self)), shadowSeconds: try row.value(8), minimumAgreement: try row.value(9),
                                 probationSeconds: try row.value(10), createdAt: try row.value(11), createdBy: try row.value(12), phase: try row.value(13),
                                 phaseAt: try row.value(14), bytesReceived: try row.value(15, as: Int64?.self).map { Int($0) }, error: try row.value(16))
            }
        }
    }

    public func latestAssignments(deviceIDs: [String]) async throws(CollectorError) -> [String: AssignmentRecord] {
        guard !deviceIDs.isEmpty else { return [:] }
        let devices = Array(Set(deviceIDs))
        let logger = self.logger
        return try await reading("listing the latest assignments") { connection in
            var latest: [String: AssignmentRecord] = [:]
            // One array parameter per statement; chunks keep each result small.
            for start in stride(from: 0, to: devices.count, by: 5000) {
                let chunk = Array(devices[start..<min(start + 5000, devices.count)])
                for row in try await Self.rows(connection, """
                    SELECT DISTINCT ON (device_id) id, device_id, model, release, version, digest, size, chunk_size, shadow_seconds,
                        minimum_agreement, probation_seconds, created_at, created_by, phase, phase_at, bytes_received, error
                    FROM assignments WHERE device_id = ANY(\(chunk))
                    ORDER BY device_id, created_at DESC, seq DESC
                    """, logger: logger) {
                    let record = AssignmentRecord(
                        id: try row.value(0), deviceID: try row.value(1), model: try row.value(2), release: UInt64(stored: try row.value(3)),
                        version: try row.value(4), digest: try row.value(5), size: Int(try row.value(6, as: Int64.self)),
                        chunkSize: Int(try row.value(7, as: Int64.self)), shadowSeconds: try row.value(8), minimumAgreement: try row.value(9),
                        probationSeconds: try row.value(10), createdAt: try row.value(11), createdBy: try row.value(12), phase: try row.value(13),
                        phaseAt: try row.value(14), bytesReceived: try row.value(15, as: Int64?.self).map { Int($0) }, error: try row.value(16))
                    latest[record.deviceID] = record
                }
            }
            return latest
        }
    }

    public func recordServed(_ chunks: [ChunkServed]) async throws(CollectorError) {
        guard !chunks.isEmpty else { return }
        let logger = self.logger
        try await writing("recording served chunks") { connection in
            for chunk in chunks {
                // Locked: two collectors serving chunks of one download add up instead of overwriting each other.
                try await connection.query("""
                    INSERT INTO downloads (device_id, digest, chunk_size, chunk_count, served, distinct_chunks, chunks_served, bytes_served, first_at, last_at)
                    VALUES (\(chunk.deviceID), \(chunk.digest), \(Int64(chunk.chunkSize)), \(Int64(chunk.chunkCount)), \(Data()), 0, 0, 0, \(chunk.at), \(chunk.at))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                let row = try await Self.rows(connection, """
                    SELECT chunk_size, served, distinct_chunks, chunks_served, bytes_served, first_at FROM downloads
                    WHERE device_id = \(chunk.deviceID) AND digest = \(chunk.digest) FOR UPDATE
                    """, logger: logger).first
                var served: [UInt8] = []
                var distinct = 0, count = 0, bytes = 0
                var firstAt = chunk.at
                if let row, Int(try row.value(0, as: Int64.self)) == chunk.chunkSize {
                    served = [UInt8](try row.value(1, as: Data.self))
                    distinct = Int(try row.value(2, as: Int64.self))
                    count = Int(try row.value(3, as: Int64.self))
                    bytes = Int(try row.value(4, as: Int64.self))
                    firstAt = try row.value(5)
                }
                // A download resumed with another chunk size starts its bitmap over.
                let needed = (chunk.chunkCount + 7) / 8
                if served.count < needed { served += [UInt8](repeating: 0, count: needed - served.count) }
                let byte = chunk.index / 8, bit = UInt8(1 << (chunk.index % 8))
                if chunk.index < chunk.chunkCount, served[byte] & bit == 0 {
                    served[byte] |= bit
                    distinct += 1
                }
                try await connection.query("""
                    UPDATE downloads SET chunk_size = \(Int64(chunk.chunkSize)), chunk_count = \(Int64(chunk.chunkCount)), served = \(Data(served)),
                        distinct_chunks = \(Int64(distinct)), chunks_served = \(Int64(count + 1)), bytes_served = \(Int64(bytes + chunk.bytes)),
                        first_at = \(firstAt), last_at = \(chunk.at)
                    WHERE device_id = \(chunk.deviceID) AND digest = \(chunk.digest)
                    """, logger: logger)
            }
        }
    }

    public func downloads(deviceID: String?, digest: String?) async throws(CollectorError) -> [DownloadProgress] {
        let logger = self.logger
        return try await reading("listing downloads") { connection in
            try await Self.rows(connection, """
                SELECT device_id, digest, chunk_size, chunk_count, distinct_chunks, chunks_served, bytes_served, first_at, last_at
                FROM downloads WHERE (\(deviceID)::text IS NULL OR device_id = \(deviceID)) AND (\(digest)::text IS NULL OR digest = \(digest))
                ORDER BY last_at DESC
                """, logger: logger).map { row in
                DownloadProgress(deviceID: try row.value(0), digest: try row.value(1), chunkSize: Int(try row.value(2, as: Int64.self)),
                                 chunkCount: Int(try row.value(3, as: Int64.self)), distinctChunks: Int(try row.value(4, as: Int64.self)),
                                 chunksServed: Int(try row.value(5, as: Int64.self)), bytesServed: Int(try row.value(6, as: Int64.self)),
                                 firstAt: try row.value(7), lastAt: try row.value(8))
            }
        }
    }
}
