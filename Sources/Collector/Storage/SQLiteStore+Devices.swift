import FleetProtocol
import GRDB
import GRDBSQLite

extension SQLiteStore {
    static let deviceColumns = """
        id, profile, agent_version, input, telemetry_interval, started_at, hw_model, hw_machine, hw_kernel, hw_cpus, hw_memory,
        cur_name, cur_version, cur_digest, cur_release, prev_name, prev_version, prev_digest, prev_release,
        online, status_reason, status_at, first_seen, last_seen, tags, groups_list,
        lt_at, lt_p50, lt_p95, lt_throughput, lt_inferences, lt_errors, lt_cpu, lt_temp, lt_rss, lt_queue
        """

    /// Reads a row of ``deviceColumns`` by position: listing 10,000 devices must not hash column names.
    static func device(from row: Row) -> DeviceRecord {
        func bundle(_ offset: Int) -> BundleReference? {
            guard let name = row[offset] as String?, let version = row[offset + 1] as String?, let digest = row[offset + 2] as String?
            else { return nil }
            return BundleReference(name: name, version: version, digest: digest, releaseCounter: UInt64(stored: row[offset + 3]))
        }
        var hardware: HardwareInfo?
        if let model = row[6] as String? {
            hardware = HardwareInfo(model: model, machine: row[7] ?? "", kernel: row[8] ?? "", cpuCount: row[9] ?? 0,
                                    memoryBytes: UInt64(stored: row[10]))
        }
        var latest: LatestTelemetry?
        if let at = row[26] as Int64? {
            latest = LatestTelemetry(at: at, latencyP50Micros: UInt64(stored: row[27]), latencyP95Micros: UInt64(stored: row[28]),
                                     throughput: row[29] ?? 0, inferences: UInt64(stored: row[30]), errors: UInt64(stored: row[31]),
                                     cpuCores: row[32] ?? 0, temperatureCelsius: row[33], rssBytes: UInt64(stored: row[34]), queueDepth: row[35] ?? 0)
        }
        return DeviceRecord(
            id: row[0], profile: row[1], agentVersion: row[2], hardware: hardware, input: row[3], telemetryIntervalSeconds: row[4],
            currentBundle: bundle(11), previousBundle: bundle(15), online: row[19] ?? false, statusReason: row[20], statusChangedAt: row[21],
            firstSeenAt: row[22], lastSeenAt: row[23], startedAt: row[5], tags: LabelList.decode(row[24]), groups: LabelList.decode(row[25]),
            latest: latest)
    }

    /// The `WHERE` conditions of `filter`'s tag, group, online and model (not its cursors), with their arguments.
    static func conditions(_ filter: DeviceFilter) -> (conditions: [String], arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let tag = filter.tag {
            conditions.append("(',' || tags || ',') LIKE ?")
            arguments += ["%,\(tag),%"]
        }
        if let group = filter.group {
            conditions.append("(',' || groups_list || ',') LIKE ?")
            arguments += ["%,\(group),%"]
        }
        if let online = filter.online {
            conditions.append("online = ?")
            arguments += [online]
        }
        if let model = filter.model {
            conditions.append("cur_name = ?")
            arguments += [model]
        }
        return (conditions, arguments)
    }

    public func devices(_ filter: DeviceFilter) async throws(CollectorError) -> [DeviceRecord] {
        try await reading("listing devices") { db in
            var (conditions, arguments) = Self.conditions(filter)
            // Keyset cursors on the primary key: a page deep in a 100,000-device fleet costs what the first one does.
            if let after = filter.after {
                conditions.append("id > ?")
                arguments += [after]
            }
            if let before = filter.before {
                conditions.append("id < ?")
                arguments += [before]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [filter.limit, filter.offset]
            let backwards = filter.before != nil && filter.after == nil
            // Stepped through the C API: reading 10,000 rows of 36 columns through GRDB's `Row` takes longer than the whole page may.
            let statement = try db.cachedStatement(
                sql: "SELECT \(Self.deviceColumns) FROM devices \(whereClause) ORDER BY id\(backwards ? " DESC" : "") LIMIT ? OFFSET ?")
            try statement.setArguments(arguments)
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            var devices: [DeviceRecord] = []
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
                }
                devices.append(Self.device(fromStatement: handle))
            }
            return backwards ? devices.reversed() : devices
        }
    }

    /// The same as ``device(from:)`` for a statement positioned on a row of ``deviceColumns``.
    static func device(fromStatement s: SQLiteStatement) -> DeviceRecord {
        func text(_ column: Int32) -> String? {
            guard let pointer = sqlite3_column_text(s, column) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(s, column))), as: UTF8.self)
        }
        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(s, column) == SQLITE_NULL }
        func int(_ column: Int32) -> Int64 { sqlite3_column_int64(s, column) }
        func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(s, column) }
        func bundle(_ offset: Int32) -> BundleReference? {
            guard let name = text(offset), let version = text(offset + 1), let digest = text(offset + 2) else { return nil }
            return BundleReference(name: name, version: version, digest: digest, releaseCounter: UInt64(stored: int(offset + 3)))
        }
        var hardware: HardwareInfo?
        if let model = text(6) {
            hardware = HardwareInfo(model: model, machine: text(7) ?? "", kernel: text(8) ?? "", cpuCount: Int(int(9)),
                                    memoryBytes: UInt64(stored: int(10)))
        }
        var latest: LatestTelemetry?
        if !isNull(26) {
            latest = LatestTelemetry(at: int(26), latencyP50Micros: UInt64(stored: int(27)), latencyP95Micros: UInt64(stored: int(28)),
                                     throughput: double(29) ?? 0, inferences: UInt64(stored: int(30)), errors: UInt64(stored: int(31)),
                                     cpuCores: double(32) ?? 0, temperatureCelsius: double(33), rssBytes: UInt64(stored: int(34)),
                                     queueDepth: Int(int(35)))
        }
        return DeviceRecord(
            id: text(0) ?? "", profile: text(1), agentVersion: text(2), hardware: hardware, input: text(3), telemetryIntervalSeconds: double(4),
            currentBundle: bundle(11), previousBundle: bundle(15), online: int(19) != 0, statusReason: text(20),
            statusChangedAt: isNull(21) ? nil : int(21), firstSeenAt: int(22), lastSeenAt: int(23), startedAt: isNull(5) ? nil : int(5),
            tags: LabelList.decode(text(24)), groups: LabelList.decode(text(25)), latest: latest)
    }

    public func device(_ id: String) async throws(CollectorError) -> DeviceRecord? {
        try await reading("reading device \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.deviceColumns) FROM devices WHERE id = ?", arguments: [id]).map(Self.device(from:))
        }
    }

    public func updateLabels(deviceID: String, tags: [String]?, groups: [String]?) async throws(CollectorError) -> DeviceRecord {
        let tagText = try tags.map { tags throws(CollectorError) in try LabelList.encode(tags) }
        let groupText = try groups.map { groups throws(CollectorError) in try LabelList.encode(groups) }
        return try await writing("updating labels of device \(deviceID)") { db in
            try db.execute(sql: "UPDATE devices SET tags = coalesce(?, tags), groups_list = coalesce(?, groups_list) WHERE id = ?",
                           arguments: [tagText, groupText, deviceID])
            guard db.changesCount > 0,
                  let row = try Row.fetchOne(db, sql: "SELECT \(Self.deviceColumns) FROM devices WHERE id = ?", arguments: [deviceID])
            else {
                throw CollectorError(.notFound, "no device '\(deviceID)'; devices appear when their first message is stored")
            }
            return Self.device(from: row)
        }
    }

    public func deviceTotals(_ filter: DeviceFilter, preceding: String?) async throws(CollectorError) -> DeviceTotals {
        try await reading("counting devices") { db in
            let (conditions, arguments) = Self.conditions(filter)
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*), coalesce(sum(online), 0), coalesce(sum(CASE WHEN id < ? THEN 1 ELSE 0 END), 0) FROM devices \(whereClause)
                """, arguments: [preceding] + arguments)
            return DeviceTotals(matching: row?[0] ?? 0, online: row?[1] ?? 0, preceding: row?[2] ?? 0)
        }
    }

    public func deviceCounts() async throws(CollectorError) -> (online: Int, total: Int) {
        let counts = try await reading("counting devices") { db in
            let row = try Row.fetchOne(db, sql: "SELECT coalesce(sum(online), 0), count(*) FROM devices")
            return [row?[0] ?? 0, row?[1] ?? 0] as [Int]
        }
        return (counts[0], counts[1])
    }

    public func devices(firstSeenAfter since: Int64, limit: Int) async throws(CollectorError) -> [DeviceRecord] {
        try await reading("reading devices first seen since \(since)") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.deviceColumns) FROM devices WHERE first_seen > ? ORDER BY first_seen, id LIMIT ?",
                             arguments: [since, limit]).map(Self.device(from:))
        }
    }

    public func servedModels(profiles: [String]) async throws(CollectorError) -> [String: Set<String>] {
        guard !profiles.isEmpty else { return [:] }
        return try await reading("reading the models each profile serves") { db in
            var served: [String: Set<String>] = [:]
            let marks = Array(repeating: "?", count: profiles.count).joined(separator: ", ")
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT profile, cur_name FROM devices WHERE profile IN (\(marks)) AND cur_name IS NOT NULL
                """, arguments: StatementArguments(profiles)) {
                served[row[0] as String, default: []].insert(row[1] as String)
            }
            return served
        }
    }
}
