import Bundles
import Collector
import Drift
import FleetProtocol
import Foundation
import XCTest

/// What every store implementation must do, whatever its engine: deduplication and acknowledgement by the
/// ledger's rules, quarantine, rollups, device state, the event log, labels, phase order and retention.
///
/// Each check opens stores through `open` (called again to test persistence across reopening) and asserts with
/// XCTest, so a test case per engine runs every check: `SQLiteStoreTests` and `PostgresStoreTests`.
struct StoreContract {
    /// Opens the store under test on the same database each call (async: a PostgreSQL store connects and migrates).
    let open: () async throws -> any CollectorStore
    let now = Int64(Date().timeIntervalSince1970 * 1000)

    func acknowledgesOnlyTheContiguousPrefixAndStoresReplaysOnce() async throws {
        let store = try await open()
        var outcome = try await store.ingest([Messages.telemetry(device: "d1", seq: 1), Messages.telemetry(device: "d1", seq: 2),
                                              Messages.telemetry(device: "d1", seq: 4)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements, [StreamAcknowledgement(deviceID: "d1", stream: "s1", seq: 2)])
        XCTAssertEqual(outcome.stored, 3)
        outcome = try await store.ingest([Messages.telemetry(device: "d1", seq: 4), Messages.telemetry(device: "d1", seq: 2)], receivedAt: now)
        XCTAssertEqual(outcome.duplicates, 2, "4 is stored above the gap, 2 below the prefix: both are replays")
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 2, "replays are acknowledged again so the agent can trim its queue")
        outcome = try await store.ingest([Messages.telemetry(device: "d1", seq: 3)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 4, "filling the gap acknowledges through the message stored above it")
        let stored = try await store.telemetryCount(deviceID: "d1")
        XCTAssertEqual(stored, 4)
        let acked = try await store.acknowledged(deviceID: "d1", stream: "s1")
        XCTAssertEqual(acked, 4)
    }


    func samplesLabelsAndEventsTakePartInTheStream() async throws {
        let store = try await open()
        let decoder = MessageDecoder(maximumPayloadBytes: 1 << 20)
        let sample = SampleRecord(sampleID: "s-1", bundle: Messages.bundle, reason: .drift, predictedClass: 1, confidence: 0.5, inputs: [], output: [1])
        let label = LabelRecord(sampleID: "s-1", label: 1, matched: true, predictedClass: 1, correct: true, bundleDigest: nil)
        let event = DeviceEvent(name: .modelFallback, error: ErrorInfo(code: "corrupt", message: "slot unreadable"))
        var batch: [IngestMessage] = []
        for (seq, payload, kind) in [(UInt64(1), try FleetCodec.encode(sample, device: "d", stream: "s1", seq: 1, head: 1, time: now), "samples"),
                                     (2, try FleetCodec.encode(label, device: "d", stream: "s1", seq: 2, head: 1, time: now), "samples"),
                                     (3, try FleetCodec.encode(event, device: "d", stream: "s1", seq: 3, head: 1, time: now), "events")] {
            guard case .store(let message) = try decoder.decode(topic: "edgefleet/v1/dev/d/\(kind)", payload: payload) else {
                return XCTFail("seq \(seq) not stored")
            }
            batch.append(message)
        }
        let outcome = try await store.ingest(batch, receivedAt: now)
        XCTAssertEqual(outcome.stored, 3)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 3, "samples, labels and events are queued kinds of the same stream")
        let events = try await store.events(EventFilter(deviceID: "d", name: "model.fallback"))
        XCTAssertEqual(events.first?.error?.code, "corrupt")
    }

    /// QoS 1 redelivery or a resend after a stall can bring an earlier update phase after a later one (the fleet
    /// simulator publishes concurrently and does this for real): the assignment keeps the device's latest phase.


    /// QoS 1 redelivery or a resend after a stall can bring an earlier update phase after a later one (the fleet
    /// simulator publishes concurrently and does this for real): the assignment keeps the device's latest phase.
    func anEarlierUpdatePhaseArrivingLateDoesNotMoveTheAssignmentBack() async throws {
        let store = try await open()
        try await store.insert(AssignmentRecord(id: "asg-1", deviceID: "d", model: "keyword-spotter", release: 2, version: "1.1.0",
                                                digest: Messages.bundle.digest, size: 100, chunkSize: 50, createdAt: now, createdBy: "test"))
        let decoder = MessageDecoder(maximumPayloadBytes: 1 << 20)
        func phase(_ phase: UpdatePhase, seq: UInt64) throws -> IngestMessage {
            let event = DeviceEvent(name: .updatePhase, update: UpdateProgress(assignmentID: "asg-1", phase: phase, previousPhase: nil,
                                                                               target: Messages.bundle, serving: Messages.bundle))
            let payload = try FleetCodec.encode(event, device: "d", stream: "s1", seq: seq, head: 1, time: now)
            guard case .store(let message) = try decoder.decode(topic: "edgefleet/v1/dev/d/events", payload: payload) else {
                throw CollectorError(.invalidRequest, "not stored")
            }
            return message
        }
        // One batch in arrival order 1, 3, 4, 2 (switching late), then a replay of 3 in the next batch.
        var outcome = try await store.ingest([try phase(.downloading, seq: 1), try phase(.committing, seq: 3), try phase(.committed, seq: 4),
                                              try phase(.switching, seq: 2)], receivedAt: now)
        XCTAssertEqual(outcome.stored, 4)
        var stored = try await store.assignments(deviceID: "d", digest: nil, limit: 1)
        XCTAssertEqual(stored.first?.phase, "committed")
        outcome = try await store.ingest([try phase(.committing, seq: 3)], receivedAt: now)
        XCTAssertEqual(outcome.duplicates, 1)
        stored = try await store.assignments(deviceID: "d", digest: nil, limit: 1)
        XCTAssertEqual(stored.first?.phase, "committed")
        let events = try await store.events(EventFilter(deviceID: "d", name: "update.phase"))
        XCTAssertEqual(events.count, 4, "every phase is still in the events")
    }


    func headSettlesWhatTheDeviceDropped() async throws {
        let store = try await open()
        var outcome = try await store.ingest([Messages.telemetry(device: "d2", seq: 7, head: 6)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 5, "1…5 are below the head (settled on the device); 6 is still held there")
        outcome = try await store.ingest([Messages.telemetry(device: "d2", seq: 9, head: 9)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 9, "the device dropped 6 and 8 from its queue: nothing to wait for")
    }


    func streamsAreIndependentPerDeviceAndStream() async throws {
        let store = try await open()
        let outcome = try await store.ingest([Messages.telemetry(device: "a", stream: "x", seq: 1), Messages.telemetry(device: "a", stream: "y", seq: 1),
                                              Messages.telemetry(device: "b", stream: "x", seq: 1)], receivedAt: now)
        XCTAssertEqual(Set(outcome.acknowledgements), [StreamAcknowledgement(deviceID: "a", stream: "x", seq: 1),
                                                       StreamAcknowledgement(deviceID: "a", stream: "y", seq: 1),
                                                       StreamAcknowledgement(deviceID: "b", stream: "x", seq: 1)])
        XCTAssertEqual(outcome.stored, 3)
    }


    func gapsAndAcknowledgementsSurviveReopening() async throws {
        do {
            let store = try await open()
            _ = try await store.ingest([Messages.telemetry(device: "d", seq: 1), Messages.telemetry(device: "d", seq: 3)], receivedAt: now)
        }
        let store = try await open()
        var outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 3)], receivedAt: now)
        XCTAssertEqual(outcome.duplicates, 1, "a message stored above the gap before the restart is still known")
        outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 2)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 3)
        let count = try await store.telemetryCount(deviceID: "d")
        XCTAssertEqual(count, 3)
    }


    func devicesRollupsAndLatestFigures() async throws {
        let store = try await open()
        let minute = RollupResolution.minute.bucket(containing: now)
        _ = try await store.ingest([
            Messages.birth(device: "d1", seq: 1),
            Messages.telemetry(device: "d1", seq: 2, report: Messages.report(at: minute + 1000, p50: 10_000, p95: 20_000, predictions: [10, 0, 0])),
            Messages.telemetry(device: "d1", seq: 3, report: Messages.report(at: minute + 2000, p50: 10_000, p95: 20_000, predictions: [0, 5, 0])),
            Messages.telemetry(device: "d2", seq: 1, report: Messages.report(at: minute + 3000, p50: 40_000, p95: 80_000, predictions: [1, 1, 1])),
            Messages.status(device: "d1", online: true),
        ], receivedAt: now)
        let d1 = try await store.device("d1")
        let device = try XCTUnwrap(d1)
        XCTAssertTrue(device.online)
        XCTAssertEqual(device.profile, "rpi-4b-2gb")
        XCTAssertEqual(device.hardware?.cpuCount, 4)
        XCTAssertEqual(device.currentBundle, Messages.bundle)
        XCTAssertEqual(device.latest?.latencyP95Micros, 20_000)
        let rollups = try await store.rollups(.device("d1"), resolution: .minute, range: TimeRange(from: minute, to: minute + 60_000))
        XCTAssertEqual(rollups.count, 1)
        XCTAssertEqual(rollups.first?.reports, 2)
        XCTAssertEqual(rollups.first?.inferences, 200)
        XCTAssertEqual(rollups.first?.predictions, [10, 5, 0])
        XCTAssertEqual(rollups.first?.features, [FeatureCounts(name: "energy", counts: [2, 4, 6])], "feature counts add up per bucket")
        XCTAssertEqual(rollups.first?.confidence, [0, 0, 0, 0, 0, 0, 0, 20, 40, 140])
        let p95 = try XCTUnwrap(rollups.first?.latencyP95Micros)
        XCTAssertEqual(p95, 20_000, accuracy: 20_000 * 0.1, "quantiles come from merged histograms, within one bucket")
        let hourly = try await store.rollups(.model("keyword-spotter", digest: nil), resolution: .hour, range: .all)
        XCTAssertEqual(hourly.first?.reports, 3)
        XCTAssertEqual(hourly.first?.features.first?.counts, [3, 6, 9], "and per model over every device")
        let latencies = try await store.modelLatencies(since: minute)
        XCTAssertEqual(latencies.map(\.model), ["keyword-spotter"])
        XCTAssertGreaterThan(latencies[0].p99Micros, latencies[0].p50Micros)
        _ = try await store.ingest([Messages.status(device: "d1", online: false)], receivedAt: now)
        let offline = try await store.device("d1")
        XCTAssertEqual(offline?.online, false)
        XCTAssertEqual(offline?.statusReason, "lost")
        let events = try await store.events(EventFilter(deviceID: "d1"))
        XCTAssertEqual(Set(events.map(\.name)), ["agent.birth", "device.online", "device.offline"])
    }


    func bundleChangesKeepThePreviousOneAndIgnoreLateReplays() async throws {
        let store = try await open()
        let newer = BundleReference(name: "keyword-spotter", version: "1.1.0", digest: String(repeating: "b", count: 64), releaseCounter: 4)
        _ = try await store.ingest([Messages.birth(device: "d", seq: 1)], receivedAt: now)
        _ = try await store.ingest([Messages.telemetry(device: "d", seq: 3, report: Messages.report(bundle: newer))], receivedAt: now)
        _ = try await store.ingest([Messages.telemetry(device: "d", seq: 2, report: Messages.report(bundle: Messages.bundle))], receivedAt: now)
        let device = try await store.device("d")
        XCTAssertEqual(device?.currentBundle, newer, "an older report arriving late does not move the bundle back")
        XCTAssertEqual(device?.previousBundle, Messages.bundle)
    }


    func labelsAreValidated() async throws {
        let store = try await open()
        _ = try await store.ingest([Messages.telemetry(device: "d", seq: 1)], receivedAt: now)
        let device = try await store.updateLabels(deviceID: "d", tags: ["site:berlin", "line-3"], groups: ["canary"])
        XCTAssertEqual(device.tags, ["line-3", "site:berlin"])
        let canary = try await store.devices(DeviceFilter(group: "canary"))
        XCTAssertEqual(canary.map(\.id), ["d"])
        do {
            _ = try await store.updateLabels(deviceID: "d", tags: ["no spaces"], groups: nil)
            XCTFail("a label with a space was accepted")
        } catch {
            XCTAssertEqual(error.code, .invalidRequest)
        }
        do {
            _ = try await store.updateLabels(deviceID: "missing", tags: [], groups: nil)
            XCTFail("labels of an unknown device were accepted")
        } catch {
            XCTAssertEqual(error.code, .notFound)
        }
    }


    func retentionDeletesOnlyOldData() async throws {
        let store = try await open()
        let old = now - 10 * 86_400_000
        _ = try await store.ingest((1...30).map { Messages.telemetry(device: "d", seq: $0, report: Messages.report(at: old)) }, receivedAt: old)
        _ = try await store.ingest((31...40).map { Messages.telemetry(device: "d", seq: $0) }, receivedAt: now)
        let removed = try await store.applyRetention(RetentionPolicy(telemetryDays: 7, minuteRollupDays: 7), now: now)
        XCTAssertEqual(removed.telemetry, 30)
        XCTAssertGreaterThan(removed.rollups, 0)
        let left = try await store.telemetryCount(deviceID: "d")
        XCTAssertEqual(left, 10)
        let again = try await store.applyRetention(RetentionPolicy(telemetryDays: 7, minuteRollupDays: 7), now: now)
        XCTAssertEqual(again.telemetry, 0)
    }

    // MARK: Acknowledgement integrity (docs/fleet-protocol.md, "What each side trusts")

    /// The reproduction of issue 22: one forged copy of a real message with `seq` and `head` at 2^62 must not make
    /// the stream's real messages look like replays.
    func aForgedFarAheadMessageIsQuarantinedAndRealMessagesAreStillStored() async throws {
        let store = try await open()
        var outcome = try await store.ingest((1...5).map { Messages.telemetry(device: "honest", seq: $0, head: 1) }, receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 5)
        outcome = try await store.ingest([Messages.telemetry(device: "honest", seq: 1 << 62, head: 1 << 62)], receivedAt: now)
        XCTAssertEqual(outcome.stored, 0)
        XCTAssertEqual(outcome.quarantined, [.sequenceOutOfRange: 1])
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 5, "a quarantined message never moves the acknowledgement")
        outcome = try await store.ingest([Messages.telemetry(device: "honest", seq: 1_000_000, head: 1_000_000)], receivedAt: now)
        XCTAssertEqual(outcome.quarantined, [.tooFarAhead: 1], "within 2^53 but a million ahead of what the stream has shown")
        outcome = try await store.ingest((6...40).map { Messages.telemetry(device: "honest", seq: $0, head: 6) }, receivedAt: now)
        XCTAssertEqual(outcome.stored, 35, "every real message after the forged ones is stored")
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 40)
        let count = try await store.telemetryCount(deviceID: "honest")
        XCTAssertEqual(count, 40)
        let kept = try await store.quarantined(deviceID: "honest", limit: 10)
        XCTAssertEqual(kept.map(\.seq), [1_000_000, 1 << 62])
        XCTAssertEqual(kept.first?.reason, .tooFarAhead)
        XCTAssertFalse(kept.first?.payload.isEmpty ?? true, "the quarantined payload is kept for inspection")
        let events = try await store.events(EventFilter(deviceID: "honest", name: "ingest.quarantined"))
        XCTAssertEqual(events.count, 1, "one event per stream and minute, however many messages are quarantined")
        XCTAssertEqual(events.first?.details["stream"], "s1")
        XCTAssertEqual(events.first?.details["reason"], "sequenceOutOfRange", "the event names the first batch's message")
        XCTAssertEqual(events.first?.source, "collector")
    }

    func aHeadAboveTheSequenceNumberIsQuarantined() async throws {
        let store = try await open()
        let outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 3, head: 9)], receivedAt: now)
        XCTAssertEqual(outcome.quarantined, [.headAboveSequence: 1])
        XCTAssertEqual(outcome.stored, 0)
        XCTAssertTrue(outcome.acknowledgements.isEmpty)
    }

    /// Numbers below a head are settled, but a late copy of one of them is stored (deduplication by what is
    /// stored, not by `seq ≤ acked`), exactly once.
    func aLateCopyBelowTheHeadIsStoredOnce() async throws {
        let store = try await open()
        var outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 10, head: 8)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 7)
        outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 3, head: 3)], receivedAt: now)
        XCTAssertEqual(outcome.stored, 1, "3 was below the head but never stored: a late copy is data")
        outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 3, head: 3)], receivedAt: now)
        XCTAssertEqual(outcome.duplicates, 1)
        do {
            let reopened = try await open()
            let again = try await reopened.ingest([Messages.telemetry(device: "d", seq: 4, head: 4), Messages.telemetry(device: "d", seq: 3, head: 3)],
                                                  receivedAt: now)
            XCTAssertEqual(again.stored, 1, "the skipped ranges survive reopening")
            XCTAssertEqual(again.duplicates, 1)
        }
        let count = try await store.telemetryCount(deviceID: "d")
        XCTAssertEqual(count, 3)
    }

    /// A device that really dropped more than a queue's worth (the collector was away for long) is re-based after a
    /// run of increasing far-ahead messages; one message alone never is.
    func aCorroboratedJumpIsAccepted() async throws {
        let store = try await open()
        _ = try await store.ingest([Messages.telemetry(device: "d", seq: 1, head: 1)], receivedAt: now)
        let far: UInt64 = 50_000
        var outcome = try await store.ingest([Messages.telemetry(device: "d", seq: far, head: far)], receivedAt: now)
        XCTAssertEqual(outcome.quarantined, [.tooFarAhead: 1])
        outcome = try await store.ingest([Messages.telemetry(device: "d", seq: far + 1, head: far)], receivedAt: now)
        XCTAssertEqual(outcome.quarantined, [.tooFarAhead: 1], "two in a run are not yet enough")
        outcome = try await store.ingest([Messages.telemetry(device: "d", seq: far + 2, head: far)], receivedAt: now)
        XCTAssertEqual(outcome.stored, 1, "the third in a run re-bases the stream")
        outcome = try await store.ingest([Messages.telemetry(device: "d", seq: far, head: far), Messages.telemetry(device: "d", seq: far + 1, head: far)],
                                         receivedAt: now)
        XCTAssertEqual(outcome.stored, 2, "the device's resend of the quarantined ones is stored")
        XCTAssertEqual(outcome.acknowledgements.first?.seq, far + 2)
    }

    // MARK: Drift

    /// Reports come back whole, newest first, filtered by version; the alarm state is stored with them; rollup totals
    /// add a window's minute buckets per device, features included.
    func driftReportsAndTheirWindows() async throws {
        let store = try await open()
        let minute = RollupResolution.minute.bucket(containing: now)
        _ = try await store.ingest([Messages.telemetry(device: "a", seq: 1, report: Messages.report(at: minute + 1000)),
                                    Messages.telemetry(device: "a", seq: 2, report: Messages.report(at: minute + 61_000)),
                                    Messages.telemetry(device: "b", seq: 1, report: Messages.report(at: minute + 2000))], receivedAt: now)
        let totals = try await store.rollupTotals(deviceIDs: ["a", "b", "missing"], range: TimeRange(from: minute, to: minute + 120_000))
        XCTAssertEqual(totals["a"]?.reports, 2)
        XCTAssertEqual(totals["a"]?.features, [FeatureCounts(name: "energy", counts: [2, 4, 6])])
        XCTAssertEqual(totals["b"]?.reports, 1)
        XCTAssertNil(totals["missing"])

        let policy = DriftPolicy()
        let empty = AttributionReport(features: [], devices: [:])
        let fleet = try DriftAnalyzer.compare(baseline: [], current: [], policy: policy)
        func record(_ digest: String, at time: Int64) -> DriftReportRecord {
            DriftReportRecord(model: "m", version: "1", digest: digest, computedAt: time, windowFrom: time - 60_000, windowTo: time, trigger: "test",
                              devices: 2, fleet: fleet, attribution: empty, alarms: ["energy"],
                              changes: [DriftAlarmChange(feature: "energy", raised: true, kind: .cohortDrift, cohorts: ["profile=x"], devices: [], score: 2.5)],
                              skippedDevices: ["odd": "3 bins"], policy: policy)
        }
        var alarm = DriftHysteresis(policy: policy)
        alarm.update(verdict: .drift, score: 2, significant: true)
        let first = try await store.insert(record("d1", at: now - 1000), hysteresis: ["energy": alarm])
        let second = try await store.insert(record("d2", at: now), hysteresis: [:])
        XCTAssertGreaterThan(second.id, first.id)
        let all = try await store.driftReports(model: "m", digest: nil, limit: 10)
        XCTAssertEqual(all.map(\.id), [second.id, first.id])
        XCTAssertEqual(all.last, first, "a report comes back as it was stored")
        let one = try await store.driftReports(model: "m", digest: "d1", limit: 10)
        XCTAssertEqual(one.map(\.digest), ["d1"])
        let byID = try await store.driftReport(id: first.id)
        XCTAssertEqual(byID, first)
        let state = try await store.driftHysteresis(model: "m", digest: "d1")
        XCTAssertEqual(state["energy"]?.isDrifting, true)
        let none = try await store.driftHysteresis(model: "m", digest: "other")
        XCTAssertTrue(none.isEmpty)
    }

    /// The learning loop's state survives reopening; label counts and accuracy are per model, device set and time.
    func learningLoopsAndLabelCounts() async throws {
        var store = try await open()
        var loop = LearningLoop(model: "vibration")
        _ = loop.handle(.drift(reportID: 7, alarmed: true, cohorts: ["profile=p2"], devices: ["d2", "d1"]),
                        policy: LearningLoopPolicy(mode: .automatic), now: now)
        try await store.save(loop)
        store = try await open()
        let loaded = try await store.learningLoop(model: "vibration")
        XCTAssertEqual(loaded, loop)
        XCTAssertEqual(loaded?.phase, .capturing)
        let all = try await store.learningLoops()
        XCTAssertEqual(all.map(\.model), ["vibration"])
        let none = try await store.learningLoop(model: "other")
        XCTAssertNil(none)

        let digest = String(repeating: "b", count: 64)
        let version = ModelVersionRecord(
            model: "vibration", release: 1, version: "1.0.0", digest: digest, size: 10, manifestSHA256: digest, builtAt: now, registeredAt: now,
            createdBy: "test", source: "upload", lineage: Lineage(datasetSnapshotSHA256: digest, codeVersion: "test"), labels: [],
            requirements: DeviceRequirements(operators: [], arenaBytes: 0, weightsBytes: 0, macs: 0), signers: [])
        _ = try await store.insert(NewModelVersion(record: version, manifestJSON: "{}"))
        let decoder = MessageDecoder(maximumPayloadBytes: 1 << 20)
        var batch: [IngestMessage] = []
        for (index, (device, correct, time)) in [("d1", true, now), ("d1", false, now), ("d2", true, now), ("d3", true, now), ("d1", true, now - 60_000)].enumerated() {
            let label = LabelRecord(sampleID: "s-\(index)", label: 1, matched: true, predictedClass: correct ? 1 : 0, correct: correct, bundleDigest: digest)
            let seq = UInt64(batch.filter { $0.header.device == device }.count + 1)
            guard case .store(let message) = try decoder.decode(topic: "edgefleet/v1/dev/\(device)/samples",
                                                                  payload: try FleetCodec.encode(label, device: device, stream: "s1", seq: seq, head: 1, time: time))
            else { return XCTFail("label \(index) not stored") }
            batch.append(message)
        }
        let other = LabelRecord(sampleID: "s-x", label: 1, matched: true, predictedClass: 1, correct: true, bundleDigest: String(repeating: "c", count: 64))
        guard case .store(let foreign) = try decoder.decode(topic: "edgefleet/v1/dev/d9/samples",
                                                            payload: try FleetCodec.encode(other, device: "d9", stream: "s1", seq: 1, head: 1, time: now))
        else { return XCTFail("foreign label not stored") }
        batch.append(foreign)
        _ = try await store.ingest(batch, receivedAt: now)
        let cohort = try await store.labelCount(model: "vibration", devices: ["d1", "d2"], since: now - 1000)
        XCTAssertEqual(cohort, 3, "d1's two recent labels and d2's; d1's old one and d3's are outside")
        let fleet = try await store.labelCount(model: "vibration", devices: nil, since: now - 120_000)
        XCTAssertEqual(fleet, 5, "labels of another model's digest are not counted")
        let accuracy = try await store.labelAccuracy(model: "vibration", since: now - 1000)
        XCTAssertEqual(accuracy.reduce(0) { $0 + $1.labelled }, 4)
        XCTAssertEqual(accuracy.reduce(0) { $0 + $1.correct }, 3)
        XCTAssertEqual(Set(accuracy.map(\.release)), [1])
    }

    /// Rollouts persist whole, claim their devices once (a second active rollout on the same devices is refused in
    /// the same transaction), release them when they end, and survive reopening.
    func rolloutsClaimTheirDevicesOnce() async throws {
        let store = try await open()
        var first = RolloutFixtures.machine(devices: 10, now: now)
        _ = first.start(now: now)
        try await store.insertRollout(first)
        let claims = try await store.rolloutClaims(deviceIDs: ["dev-0", "dev-9", "other"])
        XCTAssertEqual(claims, ["dev-0": "ro-test", "dev-9": "ro-test"])
        var second = RolloutFixtures.machine(devices: 12, now: now)
        second.id = "ro-second"
        do {
            try await store.insertRollout(second)
            XCTFail("two active rollouts claimed the same devices")
        } catch {
            XCTAssertEqual(error.code, .conflict)
            XCTAssertTrue(error.message.contains("dev-0 (ro-test)"), error.message)
        }
        let none = try await store.rollout(id: "ro-second")
        XCTAssertNil(none, "nothing of the refused rollout is stored")
        // A device that registers later joins: claimed once, idempotently, never from another rollout.
        let joined = try await store.claimRolloutDevices(rolloutID: "ro-test", deviceIDs: ["late-1", "dev-0"])
        XCTAssertEqual(joined, ["late-1": "ro-test", "dev-0": "ro-test"])
        let again = try await store.claimRolloutDevices(rolloutID: "ro-test", deviceIDs: ["late-1"])
        XCTAssertEqual(again, ["late-1": "ro-test"])
        first.assigned(first.plan.waves[0])
        _ = try first.abort(reason: "test", by: "ops", now: now + 1)
        try await store.updateRollout(first)
        let reopened = try await open()
        let stored = try await reopened.rollout(id: "ro-test")
        XCTAssertEqual(stored, first)
        let active = try await reopened.rollouts(activeOnly: true, limit: 10)
        XCTAssertEqual(active.map(\.id), ["ro-test"], "rolling back is still active")
        for device in first.plan.waves[0] { first.deviceReturned(device, now: now + 2) }
        try await reopened.updateRollout(first)
        let released = try await reopened.rolloutClaims(deviceIDs: ["dev-0", "late-1"])
        XCTAssertEqual(released, [:], "a rolled-back rollout releases its devices, late joiners too")
        try await reopened.insertRollout(second)
        let all = try await reopened.rollouts(activeOnly: false, limit: 10)
        XCTAssertEqual(Set(all.map(\.id)), ["ro-test", "ro-second"])
        var missing = second
        missing.id = "ro-missing"
        do {
            try await reopened.updateRollout(missing)
            XCTFail("updated a rollout that does not exist")
        } catch {
            XCTAssertEqual(error.code, .notFound)
        }
    }

    /// The gates read a group's reports on one bundle in a time range; the ledger says which bundle each device
    /// served from when to when, and which devices served a bundle at an instant.
    func rolloutReportsAndTheVersionLedger() async throws {
        let store = try await open()
        let older = BundleReference(name: "keyword-spotter", version: "1.0.0", digest: String(repeating: "a", count: 64), releaseCounter: 3)
        let newer = BundleReference(name: "keyword-spotter", version: "1.1.0", digest: String(repeating: "b", count: 64), releaseCounter: 4)
        let base = now - 600_000
        var batch: [IngestMessage] = []
        for (index, (time, bundle)) in [(base, older), (base + 60_000, older), (base + 120_000, newer), (base + 180_000, newer),
                                         (base + 240_000, older)].enumerated() {
            batch.append(Messages.telemetry(device: "led-1", seq: UInt64(index + 1), report: Messages.report(at: time, bundle: bundle)))
        }
        batch.append(Messages.telemetry(device: "led-2", seq: 1, report: Messages.report(at: base + 130_000, bundle: newer)))
        _ = try await store.ingest(batch, receivedAt: now)
        let reports = try await store.rolloutReports(deviceIDs: ["led-1", "led-2"], digest: newer.digest,
                                                     range: TimeRange(from: base + 100_000, to: base + 200_000))
        XCTAssertEqual(reports.map(\.deviceID), ["led-1", "led-2", "led-1"], "time order")
        XCTAssertEqual(reports.first?.report.bundle, newer)
        let spans = try await store.versionLedger(VersionLedgerQuery(deviceID: "led-1"))
        XCTAssertEqual(spans.map(\.digest), [older.digest, newer.digest, older.digest])
        XCTAssertEqual(spans.map(\.current), [false, false, true])
        XCTAssertEqual(spans[1].from, base + 120_000 - 1000, "from the start of the first report's interval")
        XCTAssertEqual(spans[1].to, base + 180_000)
        let atNoon = try await store.versionLedger(VersionLedgerQuery(digest: newer.digest, at: base + 150_000))
        XCTAssertEqual(atNoon.map(\.deviceID), ["led-1", "led-2"], "led-2 still serves it (its newest report)")
        let later = try await store.versionLedger(VersionLedgerQuery(digest: newer.digest, at: base + 250_000))
        XCTAssertEqual(later.map(\.deviceID), ["led-2"], "led-1 moved back to the older bundle")
    }
}
