import FleetProtocol
import PostgresNIO

extension PostgresStore {
    /// Reads a row of ``SQLiteStore/deviceColumns`` (the same list: one schema) by position.
    static func device(from row: PostgresRandomAccessRow) throws -> DeviceRecord {
        func bundle(_ offset: Int) throws -> BundleReference? {
            guard let name = try row.value(offset, as: String?.self), let version = try row.value(offset + 1, as: String?.self),
                  let digest = try row.value(offset + 2, as: String?.self)
            else { return nil }
            return BundleReference(name: name, version: version, digest: digest, releaseCounter: UInt64(stored: try row.value(offset + 3)))
        }
        var hardware: HardwareInfo?
        if let model = try row.value(6, as: String?.self) {
            hardware = HardwareInfo(model: model, machine: try row.value(7) ?? "", kernel: try row.value(8) ?? "",
                                    cpuCount: Int(try row.value(9, as: Int64?.self) ?? 0), memoryBytes: UInt64(stored: try row.value(10)))
        }
        var latest: LatestTelemetry?
        if let at = try row.value(26, as: Int64?.self) {
            latest = LatestTelemetry(at: at, latencyP50Micros: UInt64(stored: try row.value(27)), latencyP95Micros: UInt64(stored: try row.value(28)),
                                     throughput: try row.value(29) ?? 0, inferences: UInt64(stored: try row.value(30)),
                                     errors: UInt64(stored: try row.value(31)), cpuCores: try row.value(32) ?? 0, temperatureCelsius: try row.value(33),
                                     rssBytes: UInt64(stored: try row.value(34)), queueDepth: Int(try row.value(35, as: Int64?.self) ?? 0))
        }
        return DeviceRecord(
            id: try row.value(0), profile: try row.value(1), agentVersion: try row.value(2), hardware: hardware, input: try row.value(3),
            telemetryIntervalSeconds: try row.value(4), currentBundle: try bundle(11), previousBundle: try bundle(15), online: try row.value(19),
            statusReason: try row.value(20), statusChangedAt: try row.value(21), firstSeenAt: try row.value(22), lastSeenAt: try row.value(23),
            startedAt: try row.value(5), tags: LabelList.decode(try row.value(24)), groups: LabelList.decode(try row.value(25)), latest: latest)
    }

    /// The `WHERE` conditions of `filter`'s tag, group, online and model (not its cursors), bound into `bindings`.
    static func conditions(_ filter: DeviceFilter, _ bindings: inout PostgresBindings) -> [String] {
        var conditions: [String] = []
        if let tag = filter.tag {
            bindings.append("%,\(tag),%")
            conditions.append("(',' || tags || ',') LIKE $\(bindings.count)")
        }
        if let group = filter.group {
            bindings.append("%,\(group),%")
            conditions.append("(',' || groups_list || ',') LIKE $\(bindings.count)")
        }
        if let online = filter.online {
            bindings.append(online)
            conditions.append("online = $\(bindings.count)")
        }
        if let model = filter.model {
            bindings.append(model)
            conditions.append("cur_name = $\(bindings.count)")
        }
        return conditions
    }

    public func devices(_ filter: DeviceFilter) async throws(CollectorError) -> [DeviceRecord] {
        let logger = self.logger
        return try await reading("listing devices") { connection in
            var bindings = PostgresBindings()
            var conditions = Self.conditions(filter, &bindings)
            // Keyset cursors on the primary key, in the database's collation (C in the tests and the bench: byte order, as SQLite).
            if let after = filter.after {
                bindings.append(after)
                conditions.append("id > $\(bindings.count)")
            }
            if let before = filter.before {
                bindings.append(before)
                conditions.append("id < $\(bindings.count)")
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            bindings.append(Int64(filter.limit))
            bindings.append(Int64(filter.offset))
            let backwards = filter.before != nil && filter.after == nil
            let sql = "SELECT \(SQLiteStore.deviceColumns) FROM devices \(whereClause) ORDER BY id\(backwards ? " DESC" : "") LIMIT $\(bindings.count - 1) OFFSET $\(bindings.count)"
            let devices = try await Self.rows(connection, PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).map(Self.device(from:))
            return backwards ? devices.reversed() : devices
        }
    }

    public func deviceTotals(_ filter: DeviceFilter, preceding: String?) async throws(CollectorError) -> DeviceTotals {
        let logger = self.logger
        return try await reading("counting devices") { connection in
            var bindings = PostgresBindings()
            // NULL without a position: `id < NULL` counts nothing.
            if let preceding { bindings.append(preceding) } else { bindings.appendNull() }
            let conditions = Self.conditions(filter, &bindings)
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let sql = "SELECT count(*), count(*) FILTER (WHERE online), count(*) FILTER (WHERE id < $1) FROM devices \(whereClause)"
            let row = try await Self.rows(connection, PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).first
            return DeviceTotals(matching: Int(try row?.value(0, as: Int64.self) ?? 0), online: Int(try row?.value(1, as: Int64.self) ?? 0),
                                preceding: Int(try row?.value(2, as: Int64.self) ?? 0))
        }
    }

    public func device(_ id: String) async throws(CollectorError) -> DeviceRecord? {
        let logger = self.logger
        return try await reading("reading device \(id)") { connection in
            try await Self.rows(connection, "SELECT \(unescaped: SQLiteStore.deviceColumns) FROM devices WHERE id = \(id)", logger: logger)
                .first.map(Self.device(from:))
        }
    }

    public func updateLabels(deviceID: String, tags: [String]?, groups: [String]?) async throws(CollectorError) -> DeviceRecord {
        let tagText = try tags.map { tags throws(CollectorError) in try LabelList.encode(tags) }
        let groupText = try groups.map { groups throws(CollectorError) in try LabelList.encode(groups) }
        let logger = self.logger
        return try await writing("updating labels of device \(deviceID)") { connection in
            let rows = try await Self.rows(connection, """
                UPDATE devices SET tags = coalesce(\(tagText), tags), groups_list = coalesce(\(groupText), groups_list) WHERE id = \(deviceID)
                RETURNING \(unescaped: SQLiteStore.deviceColumns)
                """, logger: logger)
            guard let row = rows.first else {
                throw CollectorError(.notFound, "no device '\(deviceID)'; devices appear when their first message is stored")
            }
            return try Self.device(from: row)
        }
    }

    public func deviceCounts() async throws(CollectorError) -> (online: Int, total: Int) {
        let logger = self.logger
        let counts = try await reading("counting devices") { connection in
            let row = try await Self.rows(connection, "SELECT count(*) FILTER (WHERE online), count(*) FROM devices", logger: logger).first
            return [Int(try row?.value(0, as: Int64.self) ?? 0), Int(try row?.value(1, as: Int64.self) ?? 0)]
        }
        return (counts[0], counts[1])
    }

    public func devices(firstSeenAfter since: Int64, limit: Int) async throws(CollectorError) -> [DeviceRecord] {
        let logger = self.logger
        return try await reading("reading devices first seen since \(since)") { connection in
            try await Self.rows(connection, """
                SELECT \(unescaped: SQLiteStore.deviceColumns) FROM devices WHERE first_seen > \(since) ORDER BY first_seen, id LIMIT \(Int64(limit))
                """, logger: logger).map(Self.device(from:))
        }
    }

    public func servedModels(profiles: [String]) async throws(CollectorError) -> [String: Set<String>] {
        guard !profiles.isEmpty else { return [:] }
        let logger = self.logger
        return try await reading("reading the models each profile serves") { connection in
            var served: [String: Set<String>] = [:]
            for row in try await Self.rows(connection, """
                SELECT DISTINCT profile, cur_name FROM devices WHERE profile = ANY(\(profiles)) AND cur_name IS NOT NULL
                """, logger: logger) {
                served[try row[0].decode(String.self), default: []].insert(try row[1].decode(String.self))
            }
            return served
        }
    }
}
