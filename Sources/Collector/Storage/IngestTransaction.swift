import Foundation
import FleetProtocol
import GRDB
import GRDBSQLite

/// One batch being written: deduplication against the stream ledger, rows, and state folded per device.
///
/// Which messages are new, which are replays and which are quarantined is decided by ``StreamLedger`` (the
/// rules, tested without a database); this type loads each touched stream's ledger (`streams`, the numbers
/// stored above the prefix in `stream_gaps`, the ranges the device declared dropped in `stream_skips`) and
/// writes it back in the same transaction as the rows, so replicas sharing the load and restarts after SIGKILL
/// agree on what is stored. In-order streams (the common case) never touch `stream_gaps` or `stream_skips`.
struct IngestTransaction {
    struct StreamKey: Hashable {
        var device: String
        var stream: String
    }

    /// A stream's ledger as loaded, and what this batch did to it.
    struct StreamState {
        var ledger: StreamLedger
        /// The numbers `stream_gaps` held when loaded: only newer ones are inserted, and rows exist to delete.
        var loadedAbove: Set<UInt64>
        var loadedSkipped: [ClosedRange<UInt64>]
        /// Something was stored: the ledger row must be written.
        var changed = false
        var quarantined = 0
        var lastQuarantine: (seq: UInt64, head: UInt64, reason: StreamLedger.QuarantineReason)?
        var quarantineEventAt: Int64?
        var quarantinedBefore: Int64
    }

    struct BundleCandidate {
        var bundle: BundleReference
        var stream: String
        var seq: UInt64
    }

    let db: Database
    let receivedAt: Int64
    let limits: StreamLedger.Limits
    var outcome = IngestOutcome()
    var streams: [StreamKey: StreamState] = [:]
    var knownDevices: Set<String> = []
    var latest: [String: LatestTelemetry] = [:]
    var bundles: [String: BundleCandidate] = [:]
    var rollups = RollupFolding()

    init(db: Database, receivedAt: Int64, limits: StreamLedger.Limits = StreamLedger.Limits()) {
        self.db = db
        self.receivedAt = receivedAt
        self.limits = limits
    }

    /// Device clocks may be unset (1970) or wrong; such times are replaced by the collector's.
    func effectiveTime(_ deviceTime: Int64) -> Int64 {
        deviceTime >= 1_577_836_800_000 && deviceTime <= receivedAt + 86_400_000 ? deviceTime : receivedAt
    }

    mutating func add(_ message: IngestMessage) throws {
        let header = message.header
        let device = header.device
        if knownDevices.insert(device).inserted {
            try db.cachedStatement(sql: """
                INSERT INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)
                """).execute(arguments: [device, receivedAt, receivedAt])
        }
        if case .status(let status) = message.body {
            try applyStatus(status, device: device)
            return
        }
        let key = StreamKey(device: device, stream: header.stream)
        var state = try streams[key] ?? loadStream(key)
        defer { streams[key] = state }
        switch state.ledger.classify(seq: header.seq, head: header.head, limits: limits) {
        case .duplicate:
            outcome.duplicates += 1
        case .quarantine(let reason):
            try quarantine(message, reason: reason)
            state.quarantined += 1
            state.lastQuarantine = (header.seq, header.head, reason)
            outcome.quarantined[reason, default: 0] += 1
        case .store:
            try apply(message)
            state.ledger.record(seq: header.seq, head: header.head)
            state.changed = true
            outcome.stored += 1
        }
    }

    func loadStream(_ key: StreamKey) throws -> StreamState {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT acked, highest, jump_seqs, quarantined, quarantine_event_at FROM streams WHERE device_id = ? AND stream = ?
            """), arguments: [key.device, key.stream])
        let above = try Int64.fetchAll(db.cachedStatement(sql: "SELECT seq FROM stream_gaps WHERE device_id = ? AND stream = ?"),
                                       arguments: [key.device, key.stream])
        var skipped: [ClosedRange<UInt64>] = []
        for skip in try Row.fetchAll(db.cachedStatement(sql: "SELECT first, last FROM stream_skips WHERE device_id = ? AND stream = ? ORDER BY first"),
                                     arguments: [key.device, key.stream]) {
            let first = UInt64(stored: skip[0] as Int64?), last = UInt64(stored: skip[1] as Int64?)
            if first <= last { skipped.append(first...last) }
        }
        let jumpSeqs = ((row?[2] as String?) ?? "").split(separator: ",").compactMap { UInt64($0) }
        let loadedAbove = Set(above.map { UInt64(stored: $0) })
        let ledger = StreamLedger(acked: UInt64(stored: row?[0] as Int64?), above: loadedAbove, skipped: skipped,
                                  highest: UInt64(stored: row?[1] as Int64?),
                                  jump: jumpSeqs.isEmpty ? nil : StreamLedger.JumpCandidate(seqs: jumpSeqs))
        return StreamState(ledger: ledger, loadedAbove: loadedAbove, loadedSkipped: skipped, quarantineEventAt: row?[4] as Int64?,
                           quarantinedBefore: row?[3] as Int64? ?? 0)
    }

    /// Keeps an implausible message apart (bounded per device), never as data.
    func quarantine(_ message: IngestMessage, reason: StreamLedger.QuarantineReason) throws {
        let header = message.header
        try db.cachedStatement(sql: """
            INSERT INTO quarantine (device_id, stream, seq, head, kind, reason, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [header.device, header.stream, Int64(storing: header.seq), Int64(storing: header.head),
                                     header.kind.rawValue, reason.rawValue, receivedAt, Data(message.payload.prefix(Self.quarantinedPayloadBytes))])
    }

    /// What is kept of a quarantined message's payload, and how many quarantined messages per device.
    static let quarantinedPayloadBytes = 16 << 10
    static let quarantinedPerDevice = 1000

    mutating func apply(_ message: IngestMessage) throws {
        let header = message.header
        switch message.body {
        case .telemetry(let report): try applyTelemetry(report, message: message)
        case .birth(let birth): try applyBirth(birth, header: header)
        case .event(let event): try applyEvent(event, message: message)
        case .sample(let sample):
            try db.cachedStatement(sql: """
                INSERT INTO samples (device_id, stream, seq, time, received_at, sample_id, reason, predicted_class, confidence, digest, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [header.device, header.stream, Int64(storing: header.seq), header.time, receivedAt, sample.sampleID,
                                         sample.reason.rawValue, sample.predictedClass, sample.confidence, sample.bundle?.digest,
                                         Data(message.payload)])
        case .label(let label):
            try db.cachedStatement(sql: """
                INSERT INTO labels (device_id, stream, seq, time, received_at, sample_id, label, matched, predicted_class, correct, digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [header.device, header.stream, Int64(storing: header.seq), header.time, receivedAt, label.sampleID,
                                         label.label, label.matched, label.predictedClass, label.correct, label.bundleDigest])
        case .status:
            break
        }
    }

    mutating func applyTelemetry(_ report: TelemetryReport, message: IngestMessage) throws {
        let header = message.header
        let at = effectiveTime(report.intervalEnd)
        let latency = report.latency
        let insert = try db.cachedStatement(sql: """
            INSERT INTO telemetry (device_id, stream, seq, time, received_at, interval_start, interval_end, at, model, digest,
                inferences, errors, dropped, throughput, p50, p95, p99, max, cpu, rss, temp, queue_depth, predictions, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // Bound through SQLite's C API: GRDB's argument boxing costs more than the insert itself at this rate.
        var row = RawRow(insert.sqliteStatement)
        row.bind(header.device)
        row.bind(header.stream)
        row.bind(Int64(storing: header.seq))
        row.bind(header.time)
        row.bind(receivedAt)
        row.bind(report.intervalStart)
        row.bind(report.intervalEnd)
        row.bind(at)
        row.bind(report.bundle?.name)
        row.bind(report.bundle?.digest)
        row.bind(Int64(storing: report.inferences))
        row.bind(Int64(storing: report.errors))
        row.bind(Int64(storing: report.droppedInputs))
        row.bind(report.throughput.isFinite ? report.throughput : 0)
        row.bind(Int64(storing: latency.p50Micros))
        row.bind(Int64(storing: latency.p95Micros))
        row.bind(Int64(storing: latency.p99Micros))
        row.bind(Int64(storing: latency.maxMicros))
        row.bind(report.resources.cpuCores.isFinite ? report.resources.cpuCores : 0)
        row.bind(Int64(storing: report.resources.rssBytes))
        row.bind(report.resources.temperatureCelsius)
        row.bind(Int64(report.queue.depth))
        row.bind(counts: report.predictions)
        row.bind(bytes: message.payload)
        try row.execute(db)
        rollups.add(report, device: header.device, at: at)
        if latest[header.device].map({ $0.at <= at }) ?? true {
            latest[header.device] = LatestTelemetry(
                at: at, latencyP50Micros: latency.p50Micros, latencyP95Micros: latency.p95Micros, throughput: report.throughput,
                inferences: report.inferences, errors: report.errors, cpuCores: report.resources.cpuCores,
                temperatureCelsius: report.resources.temperatureCelsius, rssBytes: report.resources.rssBytes, queueDepth: report.queue.depth)
        }
        if let bundle = report.bundle { propose(bundle, header: header) }
    }

    mutating func applyBirth(_ birth: Birth, header: EnvelopeHeader) throws {
        let hardware = birth.hardware
        try db.cachedStatement(sql: """
            UPDATE devices SET profile = ?, agent_version = ?, input = ?, telemetry_interval = ?, started_at = ?,
                hw_model = ?, hw_machine = ?, hw_kernel = ?, hw_cpus = ?, hw_memory = ?,
                online = CASE WHEN status_at IS NULL THEN 1 ELSE online END
            WHERE id = ?
            """).execute(arguments: [birth.profile, birth.agentVersion, birth.input, birth.telemetryIntervalSeconds, birth.startedAt,
                                     hardware.model, hardware.machine, hardware.kernel, hardware.cpuCount,
                                     Int64(storing: hardware.memoryBytes), header.device])
        // `startedAt` tells a restart (a new agent process) from a reconnection: the rollout health gate counts restarts.
        var details = ["agentVersion": birth.agentVersion, "profile": birth.profile, "input": birth.input, "startedAt": "\(birth.startedAt)"]
        if let bundle = birth.bundle {
            details["bundle"] = "\(bundle.name) \(bundle.version)"
            details["digest"] = bundle.digest
            propose(bundle, header: header)
        }
        try insertEvent(source: "device", device: header.device, stream: header.stream, seq: header.seq, model: birth.bundle?.name,
                        name: "agent.birth", time: header.time, assignmentID: nil, phase: nil,
                        body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: "agent.birth"), details: details)), as: UTF8.self))
    }

    mutating func applyEvent(_ event: DeviceEvent, message: IngestMessage) throws {
        let header = message.header
        let update = event.update
        try insertEvent(source: "device", device: header.device, stream: header.stream, seq: header.seq,
                        model: update?.target.name ?? event.details["model"], name: event.name.rawValue, time: header.time,
                        assignmentID: update?.assignmentID, phase: update?.phase.rawValue,
                        body: String(decoding: try FleetCodec.encode(event), as: UTF8.self))
        guard let update else { return }
        // Only a later message of the device moves the phase: an earlier phase delivered late (QoS 1 redelivery,
        // a resend after a stall) must not move "committed" back to "switching".
        try db.cachedStatement(sql: """
            UPDATE assignments SET phase = ?, phase_at = ?, bytes_received = coalesce(?, bytes_received), error = coalesce(?, error),
                phase_stream = ?, phase_seq = ?
            WHERE id = ? AND device_id = ? AND \(PhaseOrder.sqlCondition)
            """).execute(arguments: [update.phase.rawValue, receivedAt, update.bytesReceived,
                                     event.error.map { "\($0.code): \($0.message)" }, header.stream, Int64(storing: header.seq),
                                     update.assignmentID, header.device, header.stream, Int64(storing: header.seq)])
        switch update.phase {
        case .committed, .switching, .probation: propose(update.target, header: header)
        case .rolledBack: if let serving = update.serving { propose(serving, header: header) }
        default: break
        }
    }

    mutating func applyStatus(_ status: DeviceStatus, device: String) throws {
        let online = status.state == .online
        try db.cachedStatement(sql: """
            UPDATE devices SET online = ?, status_reason = ?, status_at = ? WHERE id = ? AND (online <> ? OR status_at IS NULL)
            """).execute(arguments: [online, online ? nil : status.reason, receivedAt, device, online])
        guard db.changesCount > 0 else { return }
        var details: [String: String] = [:]
        if let reason = status.reason { details["reason"] = reason }
        try insertEvent(source: "device", device: device, stream: nil, seq: nil, model: nil, name: online ? "device.online" : "device.offline",
                        time: receivedAt, assignmentID: nil, phase: nil,
                        body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: online ? "device.online" : "device.offline"), details: details)), as: UTF8.self))
    }

    /// Newer reports of what serves win; an older message replayed late does not move the bundle back.
    mutating func propose(_ bundle: BundleReference, header: EnvelopeHeader) {
        if let existing = bundles[header.device], existing.stream == header.stream, existing.seq > header.seq { return }
        bundles[header.device] = BundleCandidate(bundle: bundle, stream: header.stream, seq: header.seq)
    }

    func insertEvent(source: String, device: String?, stream: String?, seq: UInt64?, model: String?, name: String, time: Int64,
                     assignmentID: String?, phase: String?, body: String?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO events (source, device_id, stream, seq, model, name, time, received_at, assignment_id, phase, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [source, device, stream, seq.map { Int64(storing: $0) }, model, name, time, receivedAt, assignmentID, phase, body])
    }

    /// Writes what was folded per device and per bucket, and advances every touched stream.
    mutating func finish() throws -> IngestOutcome {
        for (device, bundle) in bundles {
            let b = bundle.bundle
            try db.cachedStatement(sql: """
                UPDATE devices SET prev_name = cur_name, prev_version = cur_version, prev_digest = cur_digest, prev_release = cur_release,
                    cur_name = ?1, cur_version = ?2, cur_digest = ?3, cur_release = ?4, bundle_stream = ?5, bundle_seq = ?6
                WHERE id = ?7 AND cur_digest IS NOT ?3 AND (bundle_stream IS NULL OR bundle_stream <> ?5 OR bundle_seq < ?6)
                """).execute(arguments: [b.name, b.version, b.digest, Int64(storing: b.releaseCounter), bundle.stream,
                                         Int64(storing: bundle.seq), device])
            if db.changesCount == 0 {
                // Same digest: refresh the release counter once it is known (0 while an update is being verified).
                try db.cachedStatement(sql: "UPDATE devices SET cur_release = ? WHERE id = ? AND cur_digest = ? AND cur_release < ?")
                    .execute(arguments: [Int64(storing: b.releaseCounter), device, b.digest, Int64(storing: b.releaseCounter)])
            }
        }
        for (device, t) in latest {
            try db.cachedStatement(sql: """
                UPDATE devices SET lt_at = ?, lt_p50 = ?, lt_p95 = ?, lt_throughput = ?, lt_inferences = ?, lt_errors = ?, lt_cpu = ?,
                    lt_temp = ?, lt_rss = ?, lt_queue = ?
                WHERE id = ? AND (lt_at IS NULL OR lt_at <= ?)
                """).execute(arguments: [t.at, Int64(storing: t.latencyP50Micros), Int64(storing: t.latencyP95Micros), t.throughput,
                                         Int64(storing: t.inferences), Int64(storing: t.errors), t.cpuCores, t.temperatureCelsius,
                                         Int64(storing: t.rssBytes), t.queueDepth, device, t.at])
        }
        let (deviceRollups, modelRollups) = rollups.folded()
        for (key, accumulator) in deviceRollups {
            try mergeRollup(table: "device_rollups", keyColumns: ["device_id"], keyValues: [key.device], resolution: key.resolution,
                            bucket: key.bucket, accumulator)
        }
        for (key, accumulator) in modelRollups {
            try mergeRollup(table: "model_rollups", keyColumns: ["model", "digest"], keyValues: [key.model, key.digest],
                            resolution: key.resolution, bucket: key.bucket, accumulator)
        }
        for (key, var state) in streams {
            try finishStream(key, &state)
        }
        return outcome
    }

    /// Settles a stream's ledger and writes back what changed: prefix, gaps, skipped ranges, quarantine record.
    mutating func finishStream(_ key: StreamKey, _ state: inout StreamState) throws {
        var ledger = state.ledger
        ledger.settle()
        if state.changed || ledger.jump != nil || state.quarantined > 0 {
            if !state.loadedAbove.isEmpty {
                try db.cachedStatement(sql: "DELETE FROM stream_gaps WHERE device_id = ? AND stream = ? AND seq <= ?")
                    .execute(arguments: [key.device, key.stream, Int64(storing: ledger.acked)])
            }
            // Only the numbers this batch stored above the prefix: the loaded ones are rows already.
            for seq in ledger.above.subtracting(state.loadedAbove) {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO stream_gaps (device_id, stream, seq) VALUES (?, ?, ?)")
                    .execute(arguments: [key.device, key.stream, Int64(storing: seq)])
            }
            if ledger.skipped != state.loadedSkipped {
                try db.cachedStatement(sql: "DELETE FROM stream_skips WHERE device_id = ? AND stream = ?").execute(arguments: [key.device, key.stream])
                for range in ledger.skipped {
                    try db.cachedStatement(sql: "INSERT INTO stream_skips (device_id, stream, first, last) VALUES (?, ?, ?, ?)")
                        .execute(arguments: [key.device, key.stream, Int64(storing: range.lowerBound), Int64(storing: range.upperBound)])
                }
            }
            var eventAt = state.quarantineEventAt
            if state.quarantined > 0, let last = state.lastQuarantine,
               eventAt.map({ receivedAt - $0 >= Self.quarantineEventInterval }) ?? true {
                // One event per stream per interval at most: a flood of forged messages must not flood the event log.
                eventAt = receivedAt
                let details = ["stream": key.stream, "seq": String(last.seq), "head": String(last.head), "reason": last.reason.rawValue,
                               "quarantined": String(state.quarantinedBefore + Int64(state.quarantined)),
                               "acked": String(ledger.acked), "highest": String(ledger.highest)]
                try insertEvent(source: "collector", device: key.device, stream: key.stream, seq: last.seq, model: nil, name: "ingest.quarantined",
                                time: receivedAt, assignmentID: nil, phase: nil,
                                body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: "ingest.quarantined"),
                                                                                          details: details)), as: UTF8.self))
            }
            if state.quarantined > 0 {
                try db.cachedStatement(sql: """
                    DELETE FROM quarantine WHERE device_id = ?1 AND id <= (SELECT id FROM quarantine WHERE device_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)
                    """).execute(arguments: [key.device, Self.quarantinedPerDevice])
            }
            try db.cachedStatement(sql: """
                INSERT INTO streams (device_id, stream, acked, updated_at, highest, jump_seqs, quarantined, quarantine_event_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(device_id, stream) DO UPDATE SET acked = max(acked, excluded.acked), updated_at = excluded.updated_at,
                    highest = max(highest, excluded.highest), jump_seqs = excluded.jump_seqs,
                    quarantined = excluded.quarantined, quarantine_event_at = excluded.quarantine_event_at
                """).execute(arguments: [key.device, key.stream, Int64(storing: ledger.acked), receivedAt, Int64(storing: ledger.highest),
                                         ledger.jump.map { $0.seqs.map(String.init).joined(separator: ",") },
                                         state.quarantinedBefore + Int64(state.quarantined), eventAt])
        }
        state.ledger = ledger
        if ledger.acked > 0 {
            outcome.acknowledgements.append(StreamAcknowledgement(deviceID: key.device, stream: key.stream, seq: ledger.acked))
        }
    }

    /// At most one `ingest.quarantined` event per stream in this many milliseconds.
    static let quarantineEventInterval: Int64 = 60_000

    static let rollupColumns = RollupAccumulator.storedColumns
    static let deviceRollupSelect = "SELECT \(rollupColumns) FROM device_rollups WHERE device_id = ? AND resolution = ? AND bucket = ?"
    static let deviceRollupWrite = "INSERT OR REPLACE INTO device_rollups (device_id, resolution, bucket, \(rollupColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let modelRollupSelect = "SELECT \(rollupColumns) FROM model_rollups WHERE model = ? AND digest = ? AND resolution = ? AND bucket = ?"
    static let modelRollupWrite = "INSERT OR REPLACE INTO model_rollups (model, digest, resolution, bucket, \(rollupColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    /// Adds a bucket's batch totals to the stored row (read, merge in Swift, write back), through the C API.
    func mergeRollup(table: String, keyColumns: [String], keyValues: [String], resolution: RollupResolution, bucket: Int64,
                     _ accumulator: RollupAccumulator) throws {
        let isDevice = table == "device_rollups"
        let select = try db.cachedStatement(sql: isDevice ? Self.deviceRollupSelect : Self.modelRollupSelect).sqliteStatement
        var key = RawRow(select)
        for value in keyValues { key.bind(value) }
        key.bind(resolution.milliseconds / 1000)
        key.bind(bucket)
        var merged = accumulator
        let code = sqlite3_step(select)
        if code == SQLITE_ROW {
            var stored = RollupAccumulator()
            stored.reports = UInt64(stored: sqlite3_column_int64(select, 0))
            stored.inferences = UInt64(stored: sqlite3_column_int64(select, 1))
            stored.errors = UInt64(stored: sqlite3_column_int64(select, 2))
            stored.dropped = UInt64(stored: sqlite3_column_int64(select, 3))
            stored.throughputSum = sqlite3_column_double(select, 4)
            stored.cpuSum = sqlite3_column_double(select, 5)
            stored.temperatureMax = sqlite3_column_type(select, 6) == SQLITE_NULL ? nil : sqlite3_column_double(select, 6)
            stored.latency = LatencyHistogram(encoded: Self.blob(select, 7))
            stored.predictions = CountsBlob.decode(bytes: Self.blob(select, 8))
            stored.confidence = CountsBlob.decode(bytes: Self.blob(select, 9))
            stored.features = FeatureCountsBlob.decode(Self.blob(select, 10))
            merged.merge(stored)
        } else if code != SQLITE_DONE {
            let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(select)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        sqlite3_reset(select)
        var row = RawRow(try db.cachedStatement(sql: isDevice ? Self.deviceRollupWrite : Self.modelRollupWrite).sqliteStatement)
        for value in keyValues { row.bind(value) }
        row.bind(resolution.milliseconds / 1000)
        row.bind(bucket)
        row.bind(Int64(storing: merged.reports))
        row.bind(Int64(storing: merged.inferences))
        row.bind(Int64(storing: merged.errors))
        row.bind(Int64(storing: merged.dropped))
        row.bind(merged.throughputSum)
        row.bind(merged.cpuSum)
        row.bind(merged.temperatureMax)
        row.bind(bytes: merged.latency.encoded)
        row.bind(counts: merged.predictions)
        row.bind(counts: merged.confidence)
        row.bind(bytes: FeatureCountsBlob.encode(merged.features))
        try row.execute(db)
    }

    static func blob(_ statement: SQLiteStatement, _ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
