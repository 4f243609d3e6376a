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
}
