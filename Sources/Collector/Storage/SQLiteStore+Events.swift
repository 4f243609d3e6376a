import Foundation
import FleetProtocol
import GRDB

extension SQLiteStore {
    public func events(_ filter: EventFilter) async throws(CollectorError) -> [EventRecord] {
        try await reading("listing events") { db in
            var conditions = ["time >= ?", "time < ?"]
            var arguments: StatementArguments = [filter.range.from, filter.range.to]
            if let device = filter.deviceID { conditions.append("device_id = ?"); arguments += [device] }
            if let model = filter.model { conditions.append("model = ?"); arguments += [model] }
            if let name = filter.name { conditions.append("name = ?"); arguments += [name] }
            if let after = filter.after { conditions.append("id > ?"); arguments += [after] }
            arguments += [max(1, min(filter.limit, 10_000))]
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, source, device_id, model, name, time, received_at, assignment_id, phase, body
                FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?
                """, arguments: arguments)
            let decoder = JSONDecoder()
            return rows.map { row in
                let body: String? = row[9]
                let event = body.flatMap { try? decoder.decode(DeviceEvent.self, from: Data($0.utf8)) }
                return EventRecord(id: row[0], source: row[1], deviceID: row[2], model: row[3], name: row[4], time: row[5], receivedAt: row[6],
                                   assignmentID: row[7], phase: row[8], details: event?.details ?? [:], error: event?.error, update: event?.update)
            }
        }
    }

    public func record(_ event: CollectorEvent, at time: Int64) async throws(CollectorError) {
        let body = String(decoding: (try? FleetCodec.encode(DeviceEvent(name: EventName(rawValue: event.name), details: event.details))) ?? [],
                          as: UTF8.self)
        try await writing("recording event \(event.name)") { db in
            try db.execute(sql: """
                INSERT INTO events (source, device_id, model, name, time, received_at, body) VALUES ('collector', ?, ?, ?, ?, ?, ?)
                """, arguments: [event.deviceID, event.model, event.name, time, time, body])
        }
    }
}
