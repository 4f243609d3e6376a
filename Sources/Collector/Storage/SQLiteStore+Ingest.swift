import Foundation
import FleetProtocol
import GRDB
import GRDBSQLite

extension SQLiteStore {
    public func ingest(_ batch: [IngestMessage], receivedAt: Int64, limits: StreamLedger.Limits) async throws(CollectorError) -> IngestOutcome {
        guard !batch.isEmpty else { return IngestOutcome() }
        return try await writing("storing a batch of \(batch.count) messages") { db in
            var writer = IngestTransaction(db: db, receivedAt: receivedAt, limits: limits)
            for message in batch { try writer.add(message) }
            return try writer.finish()
        }
    }

    public func acknowledged(deviceID: String, stream: String) async throws(CollectorError) -> UInt64 {
        try await reading("reading a stream's acknowledgement") { db in
            UInt64(stored: try Int64.fetchOne(db, sql: "SELECT acked FROM streams WHERE device_id = ? AND stream = ?", arguments: [deviceID, stream]))
        }
    }

    public func quarantined(deviceID: String?, limit: Int) async throws(CollectorError) -> [QuarantinedMessage] {
        try await reading("reading quarantined messages") { db in
            let sql = """
                SELECT device_id, stream, seq, head, kind, reason, received_at, payload FROM quarantine
                \(deviceID == nil ? "" : "WHERE device_id = ?") ORDER BY id DESC LIMIT ?
                """
            let arguments: StatementArguments = deviceID.map { [$0, limit] } ?? [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                QuarantinedMessage(deviceID: row[0], stream: row[1], seq: UInt64(stored: row[2] as Int64?), head: UInt64(stored: row[3] as Int64?),
                                   kind: row[4], reason: StreamLedger.QuarantineReason(rawValue: row[5]) ?? .tooFarAhead,
                                   receivedAt: row[6], payload: [UInt8]((row[7] as Data?) ?? Data()))
            }
        }
    }
}
