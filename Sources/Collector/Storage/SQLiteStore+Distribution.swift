import Foundation
import GRDB

extension SQLiteStore {
    public func insert(_ a: AssignmentRecord) async throws(CollectorError) {
        try await writing("recording assignment \(a.id)") { db in
            try db.execute(sql: """
                INSERT INTO assignments (id, device_id, model, release, version, digest, size, chunk_size, shadow_seconds, minimum_agreement,
                    probation_seconds, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.id, a.deviceID, a.model, Int64(storing: a.release), a.version, a.digest, a.size, a.chunkSize, a.shadowSeconds,
                                 a.minimumAgreement, a.probationSeconds, a.createdAt, a.createdBy])
        }
    }

    public func assignments(deviceID: String?, digest: String?, limit: Int) async throws(CollectorError) -> [AssignmentRecord] {
        try await reading("listing assignments") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, device_id, model, release, version, digest, size, chunk_size, shadow_seconds, minimum_agreement, probation_seconds,
                    created_at, created_by, phase, phase_at, bytes_received, error
                FROM assignments WHERE (? IS NULL OR device_id = ?) AND (? IS NULL OR digest = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?
                """, arguments: [deviceID, deviceID, digest, digest, limit]).map { row in
                AssignmentRecord(id: row[0], deviceID: row[1], model: row[2], release: UInt64(stored: row[3]), version: row[4], digest: row[5],
                                 size: row[6], chunkSize: row[7], shadowSeconds: row[8], minimumAgreement: row[9], probationSeconds: row[10],
                                 createdAt: row[11], createdBy: row[12], phase: row[13], phaseAt: row[14], bytesReceived: row[15], error: row[16])
            }
        }
    }

    public func latestAssignments(deviceIDs: [String]) async throws(CollectorError) -> [String: AssignmentRecord] {
        guard !deviceIDs.isEmpty else { return [:] }
        let devices = Array(Set(deviceIDs))
        return try await reading("listing the latest assignments") { db in
            var latest: [String: AssignmentRecord] = [:]
            // Chunks stay under SQLite's bound-parameter limit.
            for start in stride(from: 0, to: devices.count, by: 500) {
                let chunk = Array(devices[start..<min(start + 500, devices.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                for row in try Row.fetchAll(db, sql: """
                    SELECT id, device_id, model, release, version, digest, size, chunk_size, shadow_seconds, minimum_agreement, probation_seconds,
                        created_at, created_by, phase, phase_at, bytes_received, error
                    FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY device_id ORDER BY created_at DESC, rowid DESC) AS rank
                          FROM assignments WHERE device_id IN (\(marks)))
                    WHERE rank = 1
                    """, arguments: StatementArguments(chunk)) {
                    let record = AssignmentRecord(id: row[0], deviceID: row[1], model: row[2], release: UInt64(stored: row[3]), version: row[4],
                                                  digest: row[5], size: row[6], chunkSize: row[7], shadowSeconds: row[8], minimumAgreement: row[9],
                                                  probationSeconds: row[10], createdAt: row[11], createdBy: row[12], phase: row[13], phaseAt: row[14],
                                                  bytesReceived: row[15], error: row[16])
                    latest[record.deviceID] = record
                }
            }
            return latest
        }
    }

    public func recordServed(_ chunks: [ChunkServed]) async throws(CollectorError) {
        guard !chunks.isEmpty else { return }
        try await writing("recording served chunks") { db in
            for chunk in chunks {
                let row = try Row.fetchOne(db, sql: """
                    SELECT chunk_size, served, distinct_chunks, chunks_served, bytes_served, first_at FROM downloads WHERE device_id = ? AND digest = ?
                    """, arguments: [chunk.deviceID, chunk.digest])
                var served: [UInt8]
                var distinct = 0, count = 0, bytes = 0
                var firstAt = chunk.at
                if let row, (row[0] as Int) == chunk.chunkSize {
                    served = [UInt8]((row[1] as Data?) ?? Data())
                    distinct = row[2]
                    count = row[3]
                    bytes = row[4]
                    firstAt = row[5]
                } else {
                    // A download resumed with another chunk size starts its bitmap over.
                    served = []
                }
                let needed = (chunk.chunkCount + 7) / 8
                if served.count < needed { served += [UInt8](repeating: 0, count: needed - served.count) }
                let byte = chunk.index / 8, bit = UInt8(1 << (chunk.index % 8))
                if chunk.index < chunk.chunkCount, served[byte] & bit == 0 {
                    served[byte] |= bit
                    distinct += 1
                }
                try db.execute(sql: """
                    INSERT OR REPLACE INTO downloads (device_id, digest, chunk_size, chunk_count, served, distinct_chunks, chunks_served, bytes_served,
                        first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [chunk.deviceID, chunk.digest, chunk.chunkSize, chunk.chunkCount, Data(served), distinct, count + 1,
                                     bytes + chunk.bytes, firstAt, chunk.at])
            }
        }
    }

    public func downloads(deviceID: String?, digest: String?) async throws(CollectorError) -> [DownloadProgress] {
        try await reading("listing downloads") { db in
            try Row.fetchAll(db, sql: """
                SELECT device_id, digest, chunk_size, chunk_count, distinct_chunks, chunks_served, bytes_served, first_at, last_at
                FROM downloads WHERE (? IS NULL OR device_id = ?) AND (? IS NULL OR digest = ?) ORDER BY last_at DESC
                """, arguments: [deviceID, deviceID, digest, digest]).map { row in
                DownloadProgress(deviceID: row[0], digest: row[1], chunkSize: row[2], chunkCount: row[3], distinctChunks: row[4],
                                 chunksServed: row[5], bytesServed: row[6], firstAt: row[7], lastAt: row[8])
            }
        }
    }
}
