import FleetProtocol
import Foundation
import PostgresNIO

extension PostgresStore {
    public func events(_ filter: EventFilter) async throws(CollectorError) -> [EventRecord] {
        let logger = self.logger
        return try await reading("listing events") { connection in
            var bindings = PostgresBindings()
            bindings.append(filter.range.from)
            bindings.append(filter.range.to)
            var conditions = ["time >= $1", "time < $2"]
            if let device = filter.deviceID { bindings.append(device); conditions.append("device_id = $\(bindings.count)") }
            if let model = filter.model { bindings.append(model); conditions.append("model = $\(bindings.count)") }
            if let name = filter.name { bindings.append(name); conditions.append("name = $\(bindings.count)") }
            if let after = filter.after { bindings.append(after); conditions.append("id > $\(bindings.count)") }
            bindings.append(Int64(max(1, min(filter.limit, 10_000))))
            let rows = try await Self.rows(connection, PostgresQuery(unsafeSQL: """
                SELECT id, source, device_id, model, name, time, received_at, assignment_id, phase, body
                FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT $\(bindings.count)
                """, binds: bindings), logger: logger)
            let decoder = JSONDecoder()
            return try rows.map { row in
                let body: String? = try row.value(9)
                let event = body.flatMap { try? decoder.decode(DeviceEvent.self, from: Data($0.utf8)) }
                return EventRecord(id: try row.value(0), source: try row.value(1), deviceID: try row.value(2), model: try row.value(3),
                                   name: try row.value(4), time: try row.value(5), receivedAt: try row.value(6), assignmentID: try row.value(7),
                                   phase: try row.value(8), details: event?.details ?? [:], error: event?.error, update: event?.update)
            }
        }
    }

    public func record(_ event: CollectorEvent, at time: Int64) async throws(CollectorError) {
        let body = String(decoding: (try? FleetCodec.encode(DeviceEvent(name: EventName(rawValue: event.name), details: event.details))) ?? [],
                          as: UTF8.self)
        let logger = self.logger
        try await writing("recording event \(event.name)") { connection in
            try await connection.query("""
                INSERT INTO events (source, device_id, model, name, time, received_at, body)
                VALUES ('collector', \(event.deviceID), \(event.model), \(event.name), \(time), \(time), \(body))
                """, logger: logger)
        }
    }
}
