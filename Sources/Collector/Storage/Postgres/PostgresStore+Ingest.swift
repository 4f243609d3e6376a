import Foundation
import PostgresNIO

extension PostgresStore {
    public func ingest(_ batch: [IngestMessage], receivedAt: Int64, limits: StreamLedger.Limits) async throws(CollectorError) -> IngestOutcome {
        guard !batch.isEmpty else { return IngestOutcome() }
        let logger = self.logger
        return try await writing("storing a batch of \(batch.count) messages") { connection in
            var writer = PostgresIngestTransaction(connection: connection, logger: logger, receivedAt: receivedAt, limits: limits)
            try await writer.begin(batch)
            for message in batch { try await writer.add(message) }
            return try await writer.finish()
        }
    }

    public func acknowledged(deviceID: String, stream: String) async throws(CollectorError) -> UInt64 {
        let logger = self.logger
        return try await reading("reading a stream's acknowledgement") { connection in
            let rows = try await Self.rows(connection, "SELECT acked FROM streams WHERE device_id = \(deviceID) AND stream = \(stream)", logger: logger)
            return UInt64(stored: try rows.first?[0].decode(Int64.self))
        }
    }

    public func quarantined(deviceID: String?, limit: Int) async throws(CollectorError) -> [QuarantinedMessage] {
        let logger = self.logger
        return try await reading("reading quarantined messages") { connection in
            try await Self.rows(connection, """
                SELECT device_id, stream, seq, head, kind, reason, received_at, payload FROM quarantine
                WHERE \(deviceID)::text IS NULL OR device_id = \(deviceID) ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: logger).map { row in
                QuarantinedMessage(deviceID: try row[0].decode(String.self), stream: try row[1].decode(String.self),
                                   seq: UInt64(stored: try row[2].decode(Int64.self)), head: UInt64(stored: try row[3].decode(Int64.self)),
                                   kind: try row[4].decode(String.self),
                                   reason: StreamLedger.QuarantineReason(rawValue: try row[5].decode(String.self)) ?? .tooFarAhead,
                                   receivedAt: try row[6].decode(Int64.self), payload: [UInt8](try row[7].decode(Data.self)))
            }
        }
    }
}
