import Foundation
import FleetProtocol
import GRDB
import GRDBSQLite

extension SQLiteStore {
    public func ingest(_ batch: [IngestMessage], receivedAt: Int64) async throws(CollectorError) -> IngestOutcome {
        guard !batch.isEmpty else { return IngestOutcome() }
        return try await writing("storing a batch of \(batch.count) messages") { db in
            var writer = IngestTransaction(db: db, receivedAt: receivedAt)
            for message in batch { try writer.add(message) }
            return try writer.finish()
        }
    }

    public func acknowledged(deviceID: String, stream: String) async throws(CollectorError) -> UInt64 {
        try await reading("reading a stream's acknowledgement") { db in
            UInt64(stored: try Int64.fetchOne(db, sql: "SELECT acked FROM streams WHERE device_id = ? AND stream = ?", arguments: [deviceID, stream]))
        }
    }
}
