import FleetProtocol
import Foundation
import Logging
import PostgresNIO

/// One batch being written to PostgreSQL: the same decisions as ``IngestTransaction`` (SQLite), made by the same
/// plain types (``StreamLedger``, ``RollupFolding``, ``PhaseOrder``), with few round trips and a fixed lock order.
///
/// Several collectors write at once, so every row that is read, merged in Swift and written back is locked first,
/// always in the same order — devices, then streams, then device rollups, then model rollups, each by sorted key — so
/// two batches wait for each other instead of deadlocking (PostgreSQL would abort one with 40P01; ingest retries it).
/// A stream's ledger row is locked for the whole transaction: a redelivered copy handled by another collector at the
/// same moment sees the first one's outcome and is a duplicate, never a second row.
struct PostgresIngestTransaction {
    typealias StreamKey = IngestTransaction.StreamKey
    typealias StreamState = IngestTransaction.StreamState
    typealias BundleCandidate = IngestTransaction.BundleCandidate

    let connection: PostgresConnection
    let logger: Logger
    let receivedAt: Int64
    let limits: StreamLedger.Limits
    var outcome = IngestOutcome()
    var streams: [StreamKey: StreamState] = [:]
    var latest: [String: LatestTelemetry] = [:]
    var bundles: [String: BundleCandidate] = [:]
    var rollups = RollupFolding()
    /// Telemetry rows of the batch, inserted together in ``finish()``.
    var telemetry = PostgresRowBatch(table: "telemetry", columns: [
        "device_id", "stream", "seq", "time", "received_at", "interval_start", "interval_end", "at", "model", "digest", "inferences", "errors",
        "dropped", "throughput", "p50", "p95", "p99", "max", "cpu", "rss", "temp", "queue_depth", "predictions", "body",
    ])

    init(connection: PostgresConnection, logger: Logger, receivedAt: Int64, limits: StreamLedger.Limits) {
        self.connection = connection
        self.logger = logger
        self.receivedAt = receivedAt
        self.limits = limits
    }

    func effectiveTime(_ deviceTime: Int64) -> Int64 {
        deviceTime >= 1_577_836_800_000 && deviceTime <= receivedAt + 86_400_000 ? deviceTime : receivedAt
    }

    @discardableResult
    func run(_ query: PostgresQuery) async throws -> Int {
        try await PostgresStore.execute(connection, query, logger: logger)
    }

    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await PostgresStore.rows(connection, query, logger: logger)
    }

    /// Creates and locks the batch's devices and streams (sorted), and loads every touched stream's ledger.
    mutating func begin(_ batch: [IngestMessage]) async throws {
        let devices = Set(batch.map(\.header.device)).sorted()
        var insert = PostgresRowBatch(table: "devices", columns: ["id", "first_seen", "last_seen"])
        for device in devices { insert.append { row in row.append(device); row.append(receivedAt); row.append(receivedAt) } }
        for query in try insert.queries(suffix: "ON CONFLICT (id) DO UPDATE SET last_seen = greatest(devices.last_seen, excluded.last_seen)") {
            try await run(query)
        }
        let keys = Set(batch.filter { if case .status = $0.body { false } else { true } }
            .map { StreamKey(device: $0.header.device, stream: $0.header.stream) })
        guard !keys.isEmpty else { return }
        let sorted = keys.sorted { ($0.device, $0.stream) < ($1.device, $1.stream) }
        var create = PostgresRowBatch(table: "streams", columns: ["device_id", "stream", "acked", "updated_at"])
        for key in sorted { create.append { row in row.append(key.device); row.append(key.stream); row.append(Int64(0)); row.append(receivedAt) } }
        for query in try create.queries(suffix: "ON CONFLICT (device_id, stream) DO NOTHING") { try await run(query) }
        let streamDevices = Array(Set(sorted.map(\.device))).sorted()
        var loaded: [StreamKey: (acked: Int64, highest: Int64, jump: String?, quarantined: Int64, eventAt: Int64?)] = [:]
        for row in try await rows("""
            SELECT device_id, stream, acked, highest, jump_seqs, quarantined, quarantine_event_at FROM streams
            WHERE device_id = ANY(\(streamDevices)) ORDER BY device_id, stream FOR UPDATE
            """) {
            loaded[StreamKey(device: try row[0].decode(String.self), stream: try row[1].decode(String.self))] =
                (try row[2].decode(Int64.self), try row[3].decode(Int64.self), try row[4].decode(String?.self), try row[5].decode(Int64.self),
                 try row[6].decode(Int64?.self))
        }
        var above: [StreamKey: Set<UInt64>] = [:]
        for row in try await rows("SELECT device_id, stream, seq FROM stream_gaps WHERE device_id = ANY(\(streamDevices))") {
            above[StreamKey(device: try row[0].decode(String.self), stream: try row[1].decode(String.self)), default: []]
                .insert(UInt64(stored: try row[2].decode(Int64.self)))
        }
        var skipped: [StreamKey: [ClosedRange<UInt64>]] = [:]
        for row in try await rows("SELECT device_id, stream, first, last FROM stream_skips WHERE device_id = ANY(\(streamDevices)) ORDER BY first") {
            let first = UInt64(stored: try row[2].decode(Int64.self)), last = UInt64(stored: try row[3].decode(Int64.self))
            if first <= last {
                skipped[StreamKey(device: try row[0].decode(String.self), stream: try row[1].decode(String.self)), default: []].append(first...last)
            }
        }
        for key in keys {
            let row = loaded[key]
            let jumpSeqs = (row?.jump ?? "").split(separator: ",").compactMap { UInt64($0) }
            let loadedAbove = above[key] ?? []
            let ledger = StreamLedger(acked: UInt64(stored: row?.acked), above: loadedAbove, skipped: skipped[key] ?? [],
                                      highest: UInt64(stored: row?.highest),
                                      jump: jumpSeqs.isEmpty ? nil : StreamLedger.JumpCandidate(seqs: jumpSeqs))
            streams[key] = StreamState(ledger: ledger, loadedAbove: loadedAbove, loadedSkipped: skipped[key] ?? [],
                                       quarantineEventAt: row?.eventAt, quarantinedBefore: row?.quarantined ?? 0)
        }
    }

    mutating func add(_ message: IngestMessage) async throws {
        let header = message.header
        if case .status(let status) = message.body {
            try await applyStatus(status, device: header.device)
            return
        }
        let key = StreamKey(device: header.device, stream: header.stream)
        guard var state = streams[key] else { return }
        switch state.ledger.classify(seq: header.seq, head: header.head, limits: limits) {
        case .duplicate:
            outcome.duplicates += 1
        case .quarantine(let reason):
            try await run("""
                INSERT INTO quarantine (device_id, stream, seq, head, kind, reason, received_at, payload)
                VALUES (\(header.device), \(header.stream), \(Int64(storing: header.seq)), \(Int64(storing: header.head)), \(header.kind.rawValue),
                    \(reason.rawValue), \(receivedAt), \(Data(message.payload.prefix(IngestTransaction.quarantinedPayloadBytes))))
                """)
            state.quarantined += 1
            state.lastQuarantine = (header.seq, header.head, reason)
            outcome.quarantined[reason, default: 0] += 1
        case .store:
            try await apply(message)
            state.ledger.record(seq: header.seq, head: header.head)
            state.changed = true
            outcome.stored += 1
        }
        streams[key] = state
    }

    mutating func apply(_ message: IngestMessage) async throws {
        let header = message.header
        let seq = Int64(storing: header.seq)
        switch message.body {
        case .telemetry(let report): addTelemetry(report, message: message)
        case .birth(let birth): try await applyBirth(birth, header: header)
        case .event(let event): try await applyEvent(event, message: message)
        case .sample(let sample):
            try await run("""
                INSERT INTO samples (device_id, stream, seq, time, received_at, sample_id, reason, predicted_class, confidence, digest, body)
                VALUES (\(header.device), \(header.stream), \(seq), \(header.time), \(receivedAt), \(sample.sampleID), \(sample.reason.rawValue),
                    \(Int64(sample.predictedClass)), \(sample.confidence), \(sample.bundle?.digest), \(Data(message.payload)))
                """)
        case .label(let label):
            try await run("""
                INSERT INTO labels (device_id, stream, seq, time, received_at, sample_id, label, matched, predicted_class, correct, digest)
                VALUES (\(header.device), \(header.stream), \(seq), \(header.time), \(receivedAt), \(label.sampleID), \(Int64(label.label)),
                    \(label.matched), \(label.predictedClass.map { Int64($0) }), \(label.correct), \(label.bundleDigest))
                """)
        case .status:
            break
        }
    }

    mutating func addTelemetry(_ report: TelemetryReport, message: IngestMessage) {
        let header = message.header
        let at = effectiveTime(report.intervalEnd)
        let latency = report.latency
        let receivedAt = self.receivedAt
        telemetry.append { row in
            row.append(header.device)
            row.append(header.stream)
            row.append(Int64(storing: header.seq))
            row.append(header.time)
            row.append(receivedAt)
            row.append(report.intervalStart)
            row.append(report.intervalEnd)
            row.append(at)
            row.append(report.bundle?.name)
            row.append(report.bundle?.digest)
            row.append(Int64(storing: report.inferences))
            row.append(Int64(storing: report.errors))
            row.append(Int64(storing: report.droppedInputs))
            row.append(report.throughput.isFinite ? report.throughput : 0)
            row.append(Int64(storing: latency.p50Micros))
            row.append(Int64(storing: latency.p95Micros))
            row.append(Int64(storing: latency.p99Micros))
            row.append(Int64(storing: latency.maxMicros))
            row.append(report.resources.cpuCores.isFinite ? report.resources.cpuCores : 0)
            row.append(Int64(storing: report.resources.rssBytes))
            row.append(report.resources.temperatureCelsius)
            row.append(Int64(report.queue.depth))
            row.append(CountsBlob.encode(report.predictions))
            row.append(Data(message.payload))
        }
        rollups.add(report, device: header.device, at: at)
        if latest[header.device].map({ $0.at <= at }) ?? true {
            latest[header.device] = LatestTelemetry(
                at: at, latencyP50Micros: latency.p50Micros, latencyP95Micros: latency.p95Micros, throughput: report.throughput,
                inferences: report.inferences, errors: report.errors, cpuCores: report.resources.cpuCores,
                temperatureCelsius: report.resources.temperatureCelsius, rssBytes: report.resources.rssBytes, queueDepth: report.queue.depth)
        }
        if let bundle = report.bundle { propose(bundle, header: header) }
    }

    mutating func applyBirth(_ birth: Birth, header: EnvelopeHeader) async throws {
        let hardware = birth.hardware
        try await run("""
            UPDATE devices SET profile = \(birth.profile), agent_version = \(birth.agentVersion), input = \(birth.input),
                telemetry_interval = \(birth.telemetryIntervalSeconds), started_at = \(birth.startedAt),
                hw_model = \(hardware.model), hw_machine = \(hardware.machine), hw_kernel = \(hardware.kernel), hw_cpus = \(Int64(hardware.cpuCount)),
                hw_memory = \(Int64(storing: hardware.memoryBytes)),
                online = CASE WHEN status_at IS NULL THEN true ELSE online END
            WHERE id = \(header.device)
            """)
        // `startedAt` tells a restart (a new agent process) from a reconnection: the rollout health gate counts restarts.
        var details = ["agentVersion": birth.agentVersion, "profile": birth.profile, "input": birth.input, "startedAt": "\(birth.startedAt)"]
        if let bundle = birth.bundle {
            details["bundle"] = "\(bundle.name) \(bundle.version)"
            details["digest"] = bundle.digest
            propose(bundle, header: header)
        }
        try await insertEvent(source: "device", device: header.device, stream: header.stream, seq: header.seq, model: birth.bundle?.name,
                              name: "agent.birth", time: header.time, assignmentID: nil, phase: nil,
                              body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: "agent.birth"), details: details)),
                                           as: UTF8.self))
    }

    mutating func applyEvent(_ event: DeviceEvent, message: IngestMessage) async throws {
        let header = message.header
        let update = event.update
        try await insertEvent(source: "device", device: header.device, stream: header.stream, seq: header.seq,
                              model: update?.target.name ?? event.details["model"], name: event.name.rawValue, time: header.time,
                              assignmentID: update?.assignmentID, phase: update?.phase.rawValue,
                              body: String(decoding: try FleetCodec.encode(event), as: UTF8.self))
        guard let update else { return }
        let seq = Int64(storing: header.seq)
        // PhaseOrder's rule (PhaseOrder.sqlCondition) in PostgreSQL's spelling: `IS DISTINCT FROM` for SQLite's `IS NOT`.
        try await run("""
            UPDATE assignments SET phase = \(update.phase.rawValue), phase_at = \(receivedAt),
                bytes_received = coalesce(\(update.bytesReceived.map { Int64($0) }), bytes_received),
                error = coalesce(\(event.error.map { "\($0.code): \($0.message)" }), error), phase_stream = \(header.stream), phase_seq = \(seq)
            WHERE id = \(update.assignmentID) AND device_id = \(header.device)
                AND (phase_seq IS NULL OR phase_stream IS DISTINCT FROM \(header.stream) OR phase_seq < \(seq))
            """)
        switch update.phase {
        case .committed, .switching, .probation: propose(update.target, header: header)
        case .rolledBack: if let serving = update.serving { propose(serving, header: header) }
        default: break
        }
    }

    mutating func applyStatus(_ status: DeviceStatus, device: String) async throws {
        let online = status.state == .online
        let changed = try await run("""
            UPDATE devices SET online = \(online), status_reason = \(online ? nil : status.reason), status_at = \(receivedAt)
            WHERE id = \(device) AND (online <> \(online) OR status_at IS NULL) RETURNING 1
            """)
        guard changed > 0 else { return }
        var details: [String: String] = [:]
        if let reason = status.reason { details["reason"] = reason }
        let name = online ? "device.online" : "device.offline"
        try await insertEvent(source: "device", device: device, stream: nil, seq: nil, model: nil, name: name, time: receivedAt, assignmentID: nil,
                              phase: nil, body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: name), details: details)),
                                                       as: UTF8.self))
    }

    mutating func propose(_ bundle: BundleReference, header: EnvelopeHeader) {
        if let existing = bundles[header.device], existing.stream == header.stream, existing.seq > header.seq { return }
        bundles[header.device] = BundleCandidate(bundle: bundle, stream: header.stream, seq: header.seq)
    }

    func insertEvent(source: String, device: String?, stream: String?, seq: UInt64?, model: String?, name: String, time: Int64,
                     assignmentID: String?, phase: String?, body: String?) async throws {
        try await run("""
            INSERT INTO events (source, device_id, stream, seq, model, name, time, received_at, assignment_id, phase, body)
            VALUES (\(source), \(device), \(stream), \(seq.map { Int64(storing: $0) }), \(model), \(name), \(time), \(receivedAt), \(assignmentID),
                \(phase), \(body))
            """)
    }

    /// Inserts the telemetry rows, writes what was folded per device and bucket, and advances every touched stream.
    mutating func finish() async throws -> IngestOutcome {
        for query in try telemetry.queries(suffix: "") { try await run(query) }
        for device in bundles.keys.sorted() {
            let bundle = bundles[device]!, b = bundle.bundle
            let release = Int64(storing: b.releaseCounter), seq = Int64(storing: bundle.seq)
            let moved = try await run("""
                UPDATE devices SET prev_name = cur_name, prev_version = cur_version, prev_digest = cur_digest, prev_release = cur_release,
                    cur_name = \(b.name), cur_version = \(b.version), cur_digest = \(b.digest), cur_release = \(release),
                    bundle_stream = \(bundle.stream), bundle_seq = \(seq)
                WHERE id = \(device) AND cur_digest IS DISTINCT FROM \(b.digest)
                    AND (bundle_stream IS NULL OR bundle_stream <> \(bundle.stream) OR bundle_seq < \(seq))
                RETURNING 1
                """)
            if moved == 0 {
                // Same digest: refresh the release counter once it is known (0 while an update is being verified).
                try await run("UPDATE devices SET cur_release = \(release) WHERE id = \(device) AND cur_digest = \(b.digest) AND cur_release < \(release)")
            }
        }
        for device in latest.keys.sorted() {
            let t = latest[device]!
            try await run("""
                UPDATE devices SET lt_at = \(t.at), lt_p50 = \(Int64(storing: t.latencyP50Micros)), lt_p95 = \(Int64(storing: t.latencyP95Micros)),
                    lt_throughput = \(t.throughput), lt_inferences = \(Int64(storing: t.inferences)), lt_errors = \(Int64(storing: t.errors)),
                    lt_cpu = \(t.cpuCores), lt_temp = \(t.temperatureCelsius), lt_rss = \(Int64(storing: t.rssBytes)), lt_queue = \(Int64(t.queueDepth))
                WHERE id = \(device) AND (lt_at IS NULL OR lt_at <= \(t.at))
                """)
        }
        let (deviceRollups, modelRollups) = rollups.folded()
        try await mergeRollups(PostgresRollupTable.device,
                               deviceRollups.map { (key: [$0.key.device], resolution: $0.key.resolution, bucket: $0.key.bucket, $0.value) })
        try await mergeRollups(PostgresRollupTable.model,
                               modelRollups.map { (key: [$0.key.model, $0.key.digest], resolution: $0.key.resolution, bucket: $0.key.bucket, $0.value) })
        for key in streams.keys.sorted(by: { ($0.device, $0.stream) < ($1.device, $1.stream) }) {
            var state = streams[key]!
            try await finishStream(key, &state)
            streams[key] = state
        }
        return outcome
    }

    /// Settles a stream's ledger and writes back what changed: prefix, gaps, skipped ranges, quarantine record.
    mutating func finishStream(_ key: StreamKey, _ state: inout StreamState) async throws {
        var ledger = state.ledger
        ledger.settle()
        if state.changed || ledger.jump != nil || state.quarantined > 0 {
            if !state.loadedAbove.isEmpty {
                try await run("DELETE FROM stream_gaps WHERE device_id = \(key.device) AND stream = \(key.stream) AND seq <= \(Int64(storing: ledger.acked))")
            }
            let added = ledger.above.subtracting(state.loadedAbove).sorted()
            if !added.isEmpty {
                var gaps = PostgresRowBatch(table: "stream_gaps", columns: ["device_id", "stream", "seq"])
                for seq in added { gaps.append { row in row.append(key.device); row.append(key.stream); row.append(Int64(storing: seq)) } }
                for query in try gaps.queries(suffix: "ON CONFLICT DO NOTHING") { try await run(query) }
            }
            if ledger.skipped != state.loadedSkipped {
                try await run("DELETE FROM stream_skips WHERE device_id = \(key.device) AND stream = \(key.stream)")
                for range in ledger.skipped {
                    try await run("""
                        INSERT INTO stream_skips (device_id, stream, first, last)
                        VALUES (\(key.device), \(key.stream), \(Int64(storing: range.lowerBound)), \(Int64(storing: range.upperBound)))
                        """)
                }
            }
            var eventAt = state.quarantineEventAt
            if state.quarantined > 0, let last = state.lastQuarantine,
               eventAt.map({ receivedAt - $0 >= IngestTransaction.quarantineEventInterval }) ?? true {
                eventAt = receivedAt
                let details = ["stream": key.stream, "seq": String(last.seq), "head": String(last.head), "reason": last.reason.rawValue,
                               "quarantined": String(state.quarantinedBefore + Int64(state.quarantined)),
                               "acked": String(ledger.acked), "highest": String(ledger.highest)]
                try await insertEvent(source: "collector", device: key.device, stream: key.stream, seq: last.seq, model: nil,
                                      name: "ingest.quarantined", time: receivedAt, assignmentID: nil, phase: nil,
                                      body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: "ingest.quarantined"),
                                                                                                details: details)), as: UTF8.self))
            }
            if state.quarantined > 0 {
                try await run("""
                    DELETE FROM quarantine WHERE device_id = \(key.device) AND id <= (SELECT id FROM quarantine WHERE device_id = \(key.device)
                        ORDER BY id DESC LIMIT 1 OFFSET \(Int64(IngestTransaction.quarantinedPerDevice)))
                    """)
            }
            // The row exists and is locked (begin()): a plain update.
            try await run("""
                UPDATE streams SET acked = greatest(acked, \(Int64(storing: ledger.acked))), updated_at = \(receivedAt),
                    highest = greatest(highest, \(Int64(storing: ledger.highest))),
                    jump_seqs = \(ledger.jump.map { $0.seqs.map(String.init).joined(separator: ",") }),
                    quarantined = \(state.quarantinedBefore + Int64(state.quarantined)), quarantine_event_at = \(eventAt)
                WHERE device_id = \(key.device) AND stream = \(key.stream)
                """)
        }
        state.ledger = ledger
        if ledger.acked > 0 {
            outcome.acknowledgements.append(StreamAcknowledgement(deviceID: key.device, stream: key.stream, seq: ledger.acked))
        }
    }

    /// Adds the batch's bucket totals to the stored rows: create the missing rows, lock them all (sorted), read, merge
    /// in Swift, write back. Creating first means a row another collector inserts meanwhile is merged, not overwritten.
    func mergeRollups(_ table: PostgresRollupTable, _ entries: [(key: [String], resolution: RollupResolution, bucket: Int64, RollupAccumulator)])
        async throws {
        guard !entries.isEmpty else { return }
        let sorted = entries.sorted { a, b in
            a.key != b.key ? a.key.lexicographicallyPrecedes(b.key) : (a.resolution.milliseconds, a.bucket) < (b.resolution.milliseconds, b.bucket)
        }
        let keyColumns = table.keyColumns + ["resolution", "bucket"]
        var placeholders = PostgresRowBatch(table: table.name, columns: keyColumns + RollupAccumulator.postgresColumns)
        for entry in sorted {
            placeholders.append { row in
                for value in entry.key { row.append(value) }
                row.append(entry.resolution.milliseconds / 1000)
                row.append(entry.bucket)
                RollupAccumulator().appendPostgresValues(to: &row)
            }
        }
        for query in try placeholders.queries(suffix: "ON CONFLICT DO NOTHING") { try await run(query) }
        // Lock and read in key order, a bounded number of keys per statement.
        var stored: [String: RollupAccumulator] = [:]
        func id(_ key: [String], _ resolution: Int64, _ bucket: Int64) -> String { (key + [String(resolution), String(bucket)]).joined(separator: "\u{1F}") }
        for start in stride(from: 0, to: sorted.count, by: 1000) {
            let chunk = sorted[start..<min(start + 1000, sorted.count)]
            var bindings = PostgresBindings()
            var conditions: [String] = []
            for entry in chunk {
                var parts: [String] = []
                for (index, value) in entry.key.enumerated() {
                    bindings.append(value)
                    parts.append("\(table.keyColumns[index]) = $\(bindings.count)")
                }
                bindings.append(entry.resolution.milliseconds / 1000)
                parts.append("resolution = $\(bindings.count)")
                bindings.append(entry.bucket)
                parts.append("bucket = $\(bindings.count)")
                conditions.append("(" + parts.joined(separator: " AND ") + ")")
            }
            let sql = """
                SELECT \(keyColumns.joined(separator: ", ")), \(RollupAccumulator.storedColumns) FROM \(table.name)
                WHERE \(conditions.joined(separator: " OR ")) ORDER BY \(keyColumns.joined(separator: ", ")) FOR UPDATE
                """
            for row in try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings)) {
                let key = try (0..<table.keyColumns.count).map { try row[$0].decode(String.self) }
                let resolution = try row[table.keyColumns.count].decode(Int64.self), bucket = try row[table.keyColumns.count + 1].decode(Int64.self)
                stored[id(key, resolution, bucket)] = try RollupAccumulator(postgresRow: row, from: keyColumns.count)
            }
        }
        var writes = PostgresRowBatch(table: table.name, columns: keyColumns + RollupAccumulator.postgresColumns)
        for entry in sorted {
            var merged = entry.3
            if let existing = stored[id(entry.key, entry.resolution.milliseconds / 1000, entry.bucket)] { merged.merge(existing) }
            writes.append { row in
                for value in entry.key { row.append(value) }
                row.append(entry.resolution.milliseconds / 1000)
                row.append(entry.bucket)
                merged.appendPostgresValues(to: &row)
            }
        }
        let updates = RollupAccumulator.postgresColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        for query in try writes.queries(suffix: "ON CONFLICT (\(keyColumns.joined(separator: ", "))) DO UPDATE SET \(updates)") {
            try await run(query)
        }
    }
}
