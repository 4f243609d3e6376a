import FleetProtocol
import PostgresNIO

extension PostgresIngestTransaction {
    /// The columns of the batch's device `UPDATE`, by the flag that says a message wrote them (a row whose flag is false
    /// keeps the stored values). `cur_release` is apart: a moved bundle and a refreshed release counter both write it.
    static let deviceGroups: [(flag: String, columns: [String])] = [
        ("born", ["profile", "agent_version", "input", "telemetry_interval", "started_at", "hw_model", "hw_machine", "hw_kernel", "hw_cpus",
                  "hw_memory"]),
        ("present", ["online", "status_reason", "status_at"]),
        ("moved", ["cur_name", "cur_version", "cur_digest", "prev_name", "prev_version", "prev_digest", "prev_release", "bundle_stream",
                   "bundle_seq"]),
        ("reported", ["lt_at", "lt_p50", "lt_p95", "lt_throughput", "lt_inferences", "lt_errors", "lt_cpu", "lt_temp", "lt_rss", "lt_queue"]),
    ]

    static let deviceUpdateColumns = ["id"] + deviceGroups.flatMap { [$0.flag] + $0.columns } + ["refreshed", "cur_release"]

    static let deviceAssignments = (deviceGroups.flatMap { group in
        group.columns.map { "\($0) = CASE WHEN batch.\(group.flag) THEN batch.\($0) ELSE d.\($0) END" }
    } + ["cur_release = CASE WHEN batch.moved OR batch.refreshed THEN batch.cur_release ELSE d.cur_release END"]).joined(separator: ", ")

    /// Inserts the batch's telemetry and events, writes its devices' new state and the rollup buckets it touched, and
    /// advances every touched stream: a statement per table, whatever the number of devices.
    mutating func finish() async throws -> IngestOutcome {
        if !telemetry.isEmpty { try await run(telemetry.insertQuery()) }
        for (device, candidate) in bundles {
            devices[device]?.apply(candidate.bundle, stream: candidate.stream, seq: Int64(storing: candidate.seq))
        }
        for (device, report) in latest { devices[device]?.apply(report) }
        try await updateDevices()
        let (deviceRollups, modelRollups) = rollups.folded()
        try await mergeRollups(PostgresRollupTable.device,
                               deviceRollups.map { (key: [$0.key.device], resolution: $0.key.resolution, bucket: $0.key.bucket, $0.value) })
        try await mergeRollups(PostgresRollupTable.model,
                               modelRollups.map { (key: [$0.key.model, $0.key.digest], resolution: $0.key.resolution, bucket: $0.key.bucket, $0.value) })
        try await finishStreams()
        // Last: the streams' quarantine events join the messages' events.
        if !events.isEmpty { try await run(events.insertQuery()) }
        return outcome
    }

    /// The columns of a new device's insert: its first and last sighting, then every group's columns (a group no
    /// message wrote holds the table's defaults: ``PostgresDeviceRow/init(newAt:)``).
    static let deviceInsertColumns = ["id", "first_seen", "last_seen"] + deviceGroups.flatMap(\.columns) + ["cur_release"]

    /// Writes every device the batch changed: one `INSERT` of the new devices with their final state (``begin(_:)``
    /// only locked them), one `UPDATE` of the known ones a message changed or whose `last_seen` moves on. Each row is
    /// written once per batch.
    func updateDevices() async throws {
        var inserts = PostgresRowBatch(table: "devices", columns: Self.deviceInsertColumns)
        var updates = PostgresRowBatch(table: "devices", columns: Self.deviceUpdateColumns)
        let receivedAt = self.receivedAt
        for id in devices.keys.sorted() {
            guard let device = devices[id], device.needsWrite(receivedAt: receivedAt) else { continue }
            if device.isNew {
                inserts.append { row in
                    row.append(id)
                    row.append(receivedAt)
                    row.append(receivedAt)
                    Self.appendState(of: device, to: &row, flags: false)
                    row.append(device.current.release)
                }
            } else {
                updates.append { row in
                    row.append(id)
                    Self.appendState(of: device, to: &row, flags: true)
                    row.append(device.releaseRefreshed)
                    row.append(device.current.release)
                }
            }
        }
        if !inserts.isEmpty {
            let inserted = try await run(inserts.insertQuery(suffix: "ON CONFLICT (id) DO NOTHING RETURNING 1"))
            guard inserted == inserts.count else {
                // Something inserted one of them without the device's advisory lock (nothing in ingest does): the batch's
                // decisions took it for new, so the whole batch is rolled back and retried, and then finds it.
                throw CollectorError(.storageBusy, "storing a batch found \(inserts.count - inserted) of its new devices inserted meanwhile; ingest retries")
            }
        }
        guard !updates.isEmpty else { return }
        var bindings = PostgresBindings(capacity: Self.deviceUpdateColumns.count)
        let source = updates.unnest(as: "batch", bindings: &bindings)
        bindings.append(receivedAt)
        try await run(PostgresQuery(unsafeSQL: """
            UPDATE devices AS d SET \(Self.deviceAssignments), last_seen = greatest(d.last_seen, $\(bindings.count)::bigint)
            FROM \(source) WHERE d.id = batch.id
            """, binds: bindings))
    }

    /// A device's decided state in ``deviceGroups`` order, each group's flag before its columns when `flags` (the
    /// `UPDATE`; the insert has no flags).
    static func appendState(of device: PostgresDeviceRow, to row: inout PostgresRowBatch.Row, flags: Bool) {
        let birth = device.birth, hardware = birth?.hardware, latest = device.latest
        if flags { row.append(birth != nil) }
        row.append(birth?.profile)
        row.append(birth?.agentVersion)
        row.append(birth?.input)
        row.append(birth?.telemetryIntervalSeconds)
        row.append(birth?.startedAt)
        row.append(hardware?.model)
        row.append(hardware?.machine)
        row.append(hardware?.kernel)
        row.append(hardware.map { Int64($0.cpuCount) })
        row.append(hardware.map { Int64(storing: $0.memoryBytes) })
        if flags { row.append(device.presenceChanged) }
        row.append(device.online)
        row.append(device.statusReason)
        row.append(device.statusAt)
        if flags { row.append(device.bundleMoved) }
        row.append(device.current.name)
        row.append(device.current.version)
        row.append(device.current.digest)
        row.append(device.previous.name)
        row.append(device.previous.version)
        row.append(device.previous.digest)
        row.append(device.previous.release)
        row.append(device.bundleStream)
        row.append(device.bundleSeq)
        if flags { row.append(latest != nil) }
        row.append(latest?.at)
        row.append(latest.map { Int64(storing: $0.latencyP50Micros) })
        row.append(latest.map { Int64(storing: $0.latencyP95Micros) })
        row.append(latest?.throughput)
        row.append(latest.map { Int64(storing: $0.inferences) })
        row.append(latest.map { Int64(storing: $0.errors) })
        row.append(latest?.cpuCores)
        row.append(latest?.temperatureCelsius)
        row.append(latest.map { Int64(storing: $0.rssBytes) })
        row.append(latest.map { Int64($0.queueDepth) })
    }

    /// Settles every touched stream's ledger and writes back what changed — prefix, gaps, skipped ranges, quarantine
    /// record — a statement per table for the whole batch; collects the acknowledgements (streams in key order).
    mutating func finishStreams() async throws {
        var ledgers = PostgresRowBatch(table: "streams", columns: ["device_id", "stream", "acked", "highest", "jump_seqs", "quarantined",
                                                                   "quarantine_event_at"])
        var trimmedGaps = PostgresRowBatch(table: "stream_gaps", columns: ["device_id", "stream", "acked"])
        var addedGaps = PostgresRowBatch(table: "stream_gaps", columns: ["device_id", "stream", "seq"])
        var replacedSkips = PostgresRowBatch(table: "stream_skips", columns: ["device_id", "stream"])
        var skips = PostgresRowBatch(table: "stream_skips", columns: ["device_id", "stream", "first", "last"])
        var quarantinedDevices = Set<String>()
        for key in streams.keys.sorted(by: { ($0.device, $0.stream) < ($1.device, $1.stream) }) {
            var state = streams[key]!
            var ledger = state.ledger
            ledger.settle()
            if state.changed || ledger.jump != nil || state.quarantined > 0 {
                let acked = Int64(storing: ledger.acked)
                if !state.loadedAbove.isEmpty {
                    trimmedGaps.append { row in row.append(key.device); row.append(key.stream); row.append(acked) }
                }
                for seq in ledger.above.subtracting(state.loadedAbove).sorted() {
                    addedGaps.append { row in row.append(key.device); row.append(key.stream); row.append(Int64(storing: seq)) }
                }
                if ledger.skipped != state.loadedSkipped {
                    replacedSkips.append { row in row.append(key.device); row.append(key.stream) }
                    for range in ledger.skipped {
                        skips.append { row in
                            row.append(key.device); row.append(key.stream)
                            row.append(Int64(storing: range.lowerBound)); row.append(Int64(storing: range.upperBound))
                        }
                    }
                }
                var eventAt = state.quarantineEventAt
                if state.quarantined > 0, let last = state.lastQuarantine,
                   eventAt.map({ receivedAt - $0 >= IngestTransaction.quarantineEventInterval }) ?? true {
                    eventAt = receivedAt
                    let details = ["stream": key.stream, "seq": String(last.seq), "head": String(last.head), "reason": last.reason.rawValue,
                                   "quarantined": String(state.quarantinedBefore + Int64(state.quarantined)),
                                   "acked": String(ledger.acked), "highest": String(ledger.highest)]
                    addEvent(source: "collector", device: key.device, stream: key.stream, seq: last.seq, model: nil,
                             name: "ingest.quarantined", time: receivedAt, assignmentID: nil, phase: nil,
                             body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: "ingest.quarantined"), details: details)),
                                          as: UTF8.self))
                }
                if state.quarantined > 0 { quarantinedDevices.insert(key.device) }
                let quarantined = state.quarantinedBefore + Int64(state.quarantined)
                let jump = ledger.jump.map { $0.seqs.map(String.init).joined(separator: ",") }
                let highest = Int64(storing: ledger.highest)
                ledgers.append { row in
                    row.append(key.device); row.append(key.stream); row.append(acked); row.append(highest); row.append(jump)
                    row.append(quarantined); row.append(eventAt)
                }
            }
            state.ledger = ledger
            streams[key] = state
            if ledger.acked > 0 {
                outcome.acknowledgements.append(StreamAcknowledgement(deviceID: key.device, stream: key.stream, seq: ledger.acked))
            }
        }
        if !trimmedGaps.isEmpty {
            var bindings = PostgresBindings(capacity: 3)
            let source = trimmedGaps.unnest(as: "batch", bindings: &bindings)
            try await run(PostgresQuery(unsafeSQL: """
                DELETE FROM stream_gaps AS g USING \(source)
                WHERE g.device_id = batch.device_id AND g.stream = batch.stream AND g.seq <= batch.acked
                """, binds: bindings))
        }
        if !addedGaps.isEmpty { try await run(addedGaps.insertQuery(suffix: "ON CONFLICT DO NOTHING")) }
        if !replacedSkips.isEmpty {
            var bindings = PostgresBindings(capacity: 2)
            let source = replacedSkips.unnest(as: "batch", bindings: &bindings)
            try await run(PostgresQuery(unsafeSQL: """
                DELETE FROM stream_skips AS k USING \(source) WHERE k.device_id = batch.device_id AND k.stream = batch.stream
                """, binds: bindings))
        }
        if !skips.isEmpty { try await run(skips.insertQuery()) }
        for device in quarantinedDevices.sorted() {
            try await run("""
                DELETE FROM quarantine WHERE device_id = \(device) AND id <= (SELECT id FROM quarantine WHERE device_id = \(device)
                    ORDER BY id DESC LIMIT 1 OFFSET \(Int64(IngestTransaction.quarantinedPerDevice)))
                """)
        }
        guard !ledgers.isEmpty else { return }
        // The rows exist and are locked (begin()): a plain update.
        var bindings = PostgresBindings(capacity: 8)
        let source = ledgers.unnest(as: "batch", bindings: &bindings)
        bindings.append(receivedAt)
        try await run(PostgresQuery(unsafeSQL: """
            UPDATE streams AS s SET acked = greatest(s.acked, batch.acked), updated_at = $\(bindings.count),
                highest = greatest(s.highest, batch.highest), jump_seqs = batch.jump_seqs, quarantined = batch.quarantined,
                quarantine_event_at = batch.quarantine_event_at
            FROM \(source) WHERE s.device_id = batch.device_id AND s.stream = batch.stream
            """, binds: bindings))
    }
}
