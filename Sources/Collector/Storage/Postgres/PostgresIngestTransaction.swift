import FleetProtocol
import Foundation
import Logging
import PostgresNIO

/// One batch being written to PostgreSQL: the same decisions as ``IngestTransaction`` (SQLite), made by the same
/// plain types (``StreamLedger``, ``RollupFolding``, ``PhaseOrder``), in a few statements per batch whatever its size.
///
/// Every table a batch writes is one statement over `unnest(…)` of the batch's rows (``PostgresRowBatch/unnest(as:bindings:)``):
/// the devices (one `SELECT … FOR UPDATE` that locks and reads the existing ones; the new ones are locked by an advisory
/// lock each and inserted once, at the end, with their final state), the
/// streams' ledgers (one read, one insert of new streams, one update), telemetry, events, the devices' new state (one
/// `UPDATE` decided in Swift, ``PostgresDeviceRow``, of the rows that changed: a known device's row is written once per
/// batch) and each rollup table (insert new buckets; lock, merge and update existing ones). A batch in which every
/// device is new — a fleet's first contact: births, retained statuses, first reports — is about ten round trips, not
/// several per device.
/// Rare messages (quarantine, samples, labels, update phases, a stream's gaps) keep their own statements.
///
/// Several collectors write at once, so every row that is read, merged in Swift and written back is locked first,
/// always in the same order — devices, then streams, then device rollups, then model rollups, each by sorted key — so
/// two batches wait for each other instead of deadlocking (PostgreSQL would abort one with 40P01; ingest retries it).
/// (Devices: the existing ones sorted, then the new ones' transaction-scoped advisory locks, by key
/// (``deviceLockKey(_:)``). A batch that finds a new device's lock taken waits for the batch holding it, which locked all
/// its existing devices before, so it waits on no device the first holds; once it has the lock it reads again, and a
/// device the first batch inserted meanwhile is locked and treated as existing.) A known device's row, or a new
/// device's advisory lock, is held for the whole transaction, so its streams, device rollups and state are only ever
/// written by one batch at a time: a redelivered copy handled by another collector at the same moment waits, then sees
/// the first one's outcome and is a duplicate, never a second row. A new device's row is written once, by the insert
/// in ``finish()`` (it was inserted first and updated at the end: two row versions per new device, 100,000 at a
/// fleet's first contact).
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
    /// The batch's devices as locked and loaded by ``begin(_:)``, and what the batch changes in them.
    var devices: [String: PostgresDeviceRow] = [:]
    var latest: [String: LatestTelemetry] = [:]
    var bundles: [String: BundleCandidate] = [:]
    var rollups = RollupFolding()
    /// Telemetry rows of the batch, inserted together in ``finish()``.
    var telemetry = PostgresRowBatch(table: "telemetry", columns: [
        "device_id", "stream", "seq", "time", "received_at", "interval_start", "interval_end", "at", "model", "digest", "inferences", "errors",
        "dropped", "throughput", "p50", "p95", "p99", "max", "cpu", "rss", "temp", "queue_depth", "predictions", "body",
    ])
    /// Events of the batch in message order (then the collector's quarantine events), inserted together in ``finish()``.
    var events = PostgresRowBatch(table: "events", columns: [
        "source", "device_id", "stream", "seq", "model", "name", "time", "received_at", "assignment_id", "phase", "body",
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

    /// Locks and reads the batch's existing devices (sorted), creates the missing ones (locked by their insert), locks
    /// and creates its streams, and loads every touched stream's ledger.
    mutating func begin(_ batch: [IngestMessage]) async throws {
        // Every statement of a batch joins its rows to their keys. Knowing the arrays' lengths, the planner prefers
        // hashing the whole table to a few thousand index probes (measured: a 4,000-stream lock read scanned 100,000
        // streams, 290 ms, against 20 ms probing): this transaction only ever wants the probes, whatever the table's size.
        try await run("SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)")
        let ids = Set(batch.map(\.header.device)).sorted()
        // Existing devices are locked and read without being written (the common case once a fleet runs: each row is
        // then written once, by finish()'s `UPDATE`, and only if the batch changes it); the missing ones are inserted.
        devices = try await lockDevices(ids)
        let newIDs = ids.filter { devices[$0] == nil }
        if !newIDs.isEmpty {
            // The new devices' locks without a row: the row is written once, in finish(), with the batch's decisions.
            // Keys in ascending order, so two batches wait for each other instead of deadlocking.
            let keys = Set(newIDs.map(Self.deviceLockKey)).sorted()
            try await run("SELECT pg_advisory_xact_lock(key) FROM unnest(\(keys)::bigint[]) AS batch(key)")
            // Inserted meanwhile by a batch that held these locks first (it committed before the lock was granted):
            // locked and read now, and known from here on.
            devices.merge(try await lockDevices(newIDs)) { first, _ in first }
            for id in newIDs where devices[id] == nil { devices[id] = PostgresDeviceRow(newAt: receivedAt) }
        }
        let keys = Set(batch.filter { if case .status = $0.body { false } else { true } }
            .map { StreamKey(device: $0.header.device, stream: $0.header.stream) })
        guard !keys.isEmpty else { return }
        let sorted = keys.sorted { ($0.device, $0.stream) < ($1.device, $1.stream) }
        // Existing streams first (the common case once a fleet runs: one statement), locked in key order, with their
        // gaps and skipped ranges; then the missing ones are created.
        var loaded = try await loadStreams(sorted)
        let missing = sorted.filter { loaded[$0] == nil }
        if !missing.isEmpty {
            var create = PostgresRowBatch(table: "streams", columns: ["device_id", "stream", "acked", "updated_at"])
            for key in missing { create.append { row in row.append(key.device); row.append(key.stream); row.append(Int64(0)); row.append(receivedAt) } }
            var created = Set<StreamKey>()
            for row in try await rows(create.insertQuery(suffix: "ON CONFLICT (device_id, stream) DO NOTHING RETURNING device_id, stream")) {
                created.insert(StreamKey(device: try row[0].decode(String.self), stream: try row[1].decode(String.self)))
            }
            for key in created {
                loaded[key] = StreamState(ledger: StreamLedger(acked: 0, above: [], skipped: [], highest: 0, jump: nil), loadedAbove: [],
                                          loadedSkipped: [], quarantineEventAt: nil, quarantinedBefore: 0)
            }
            // Created meanwhile by another writer (the batch holds the device rows, so only something outside ingest could).
            let raced = missing.filter { !created.contains($0) }
            if !raced.isEmpty { loaded.merge(try await loadStreams(raced)) { first, _ in first } }
        }
        streams = loaded
    }

    /// The advisory lock key that stands for a new device's row until the batch inserts it: the high half names the use
    /// ("EDDV", apart from the migration lock), the low half is the ID's FNV-1a hash — a stable hash, the same in every
    /// collector process (two IDs sharing a key only make their batches wait for each other).
    static func deviceLockKey(_ id: String) -> Int64 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in id.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return Int64(0x4544_4456) << 32 | Int64(hash)
    }

    /// The existing devices among `ids` (sorted), locked `FOR UPDATE` in ID order, with the columns the batch's
    /// decisions read. A lock, not a write: no new row version.
    func lockDevices(_ ids: [String]) async throws -> [String: PostgresDeviceRow] {
        var loaded: [String: PostgresDeviceRow] = [:]
        for row in try await rows("""
            SELECT \(unescaped: PostgresDeviceRow.loadedColumns.split(separator: ", ").map { "d.\($0)" }.joined(separator: ", "))
            FROM devices d JOIN unnest(\(ids)::text[]) AS batch(id) ON d.id = batch.id ORDER BY d.id FOR UPDATE OF d
            """) {
            loaded[try row[0].decode(String.self)] = try PostgresDeviceRow(row: row)
        }
        return loaded
    }

    /// The ledgers of existing streams among `keys` (sorted), locked `FOR UPDATE` in key order.
    func loadStreams(_ keys: [StreamKey]) async throws -> [StreamKey: StreamState] {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(keys.map(\.device))
        bindings.append(keys.map(\.stream))
        let sql = """
            SELECT s.device_id, s.stream, s.acked, s.highest, s.jump_seqs, s.quarantined, s.quarantine_event_at,
                ARRAY(SELECT g.seq FROM stream_gaps g WHERE g.device_id = s.device_id AND g.stream = s.stream),
                ARRAY(SELECT k.first FROM stream_skips k WHERE k.device_id = s.device_id AND k.stream = s.stream ORDER BY k.first),
                ARRAY(SELECT k.last FROM stream_skips k WHERE k.device_id = s.device_id AND k.stream = s.stream ORDER BY k.first)
            FROM streams s JOIN unnest($1::text[], $2::text[]) AS batch(device_id, stream)
                ON s.device_id = batch.device_id AND s.stream = batch.stream
            ORDER BY s.device_id, s.stream FOR UPDATE OF s
            """
        var loaded: [StreamKey: StreamState] = [:]
        for row in try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings)) {
            let key = StreamKey(device: try row[0].decode(String.self), stream: try row[1].decode(String.self))
            let jumpSeqs = (try row[4].decode(String?.self) ?? "").split(separator: ",").compactMap { UInt64($0) }
            let above = Set(try row[7].decode([Int64].self).map { UInt64(stored: $0) })
            let firsts = try row[8].decode([Int64].self), lasts = try row[9].decode([Int64].self)
            var skipped: [ClosedRange<UInt64>] = []
            for (first, last) in zip(firsts, lasts) where first <= last { skipped.append(UInt64(stored: first)...UInt64(stored: last)) }
            let ledger = StreamLedger(acked: UInt64(stored: try row[2].decode(Int64.self)), above: above, skipped: skipped,
                                      highest: UInt64(stored: try row[3].decode(Int64.self)),
                                      jump: jumpSeqs.isEmpty ? nil : StreamLedger.JumpCandidate(seqs: jumpSeqs))
            loaded[key] = StreamState(ledger: ledger, loadedAbove: above, loadedSkipped: skipped, quarantineEventAt: try row[6].decode(Int64?.self),
                                      quarantinedBefore: try row[5].decode(Int64.self))
        }
        return loaded
    }

    mutating func add(_ message: IngestMessage) async throws {
        let header = message.header
        if case .status(let status) = message.body {
            try applyStatus(status, device: header.device)
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
        case .birth(let birth): try applyBirth(birth, header: header)
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

    mutating func applyBirth(_ birth: Birth, header: EnvelopeHeader) throws {
        devices[header.device]?.apply(birth)
        // `startedAt` tells a restart (a new agent process) from a reconnection: the rollout health gate counts restarts.
        var details = ["agentVersion": birth.agentVersion, "profile": birth.profile, "input": birth.input, "startedAt": "\(birth.startedAt)"]
        if let bundle = birth.bundle {
            details["bundle"] = "\(bundle.name) \(bundle.version)"
            details["digest"] = bundle.digest
            propose(bundle, header: header)
        }
        addEvent(source: "device", device: header.device, stream: header.stream, seq: header.seq, model: birth.bundle?.name,
                 name: "agent.birth", time: header.time, assignmentID: nil, phase: nil,
                 body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: "agent.birth"), details: details)), as: UTF8.self))
    }

    mutating func applyEvent(_ event: DeviceEvent, message: IngestMessage) async throws {
        let header = message.header
        let update = event.update
        addEvent(source: "device", device: header.device, stream: header.stream, seq: header.seq,
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

    mutating func applyStatus(_ status: DeviceStatus, device: String) throws {
        guard devices[device]?.apply(status, at: receivedAt) == true else { return }
        let online = status.state == .online
        var details: [String: String] = [:]
        if let reason = status.reason { details["reason"] = reason }
        let name = online ? "device.online" : "device.offline"
        addEvent(source: "device", device: device, stream: nil, seq: nil, model: nil, name: name, time: receivedAt, assignmentID: nil,
                 phase: nil, body: String(decoding: try FleetCodec.encode(DeviceEvent(name: EventName(rawValue: name), details: details)),
                                          as: UTF8.self))
    }

    mutating func propose(_ bundle: BundleReference, header: EnvelopeHeader) {
        if let existing = bundles[header.device], existing.stream == header.stream, existing.seq > header.seq { return }
        bundles[header.device] = BundleCandidate(bundle: bundle, stream: header.stream, seq: header.seq)
    }

    /// Queues an event row; ``finish()`` inserts the batch's events in this order.
    mutating func addEvent(source: String, device: String?, stream: String?, seq: UInt64?, model: String?, name: String, time: Int64,
                           assignmentID: String?, phase: String?, body: String?) {
        let receivedAt = self.receivedAt
        events.append { row in
            row.append(source)
            row.append(device)
            row.append(stream)
            row.append(seq.map { Int64(storing: $0) })
            row.append(model)
            row.append(name)
            row.append(time)
            row.append(receivedAt)
            row.append(assignmentID)
            row.append(phase)
            row.append(body)
        }
    }
}
