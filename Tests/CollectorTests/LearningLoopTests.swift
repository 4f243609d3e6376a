@testable import Collector
import FleetProtocol
import Bundles
import Foundation
import Logging
import Synchronization
import TestSupport
import XCTest

/// The learning loop's decisions as a plain value, and the service that feeds it, with fake ports and a real store.
final class LearningLoopTests: XCTestCase {
    let automatic = LearningLoopPolicy(mode: .automatic, minimumLabelledSamples: 100, labelTimeoutSeconds: 600, trainingTimeoutSeconds: 300,
                                       coolDownSeconds: 60, rollout: true)

    private func names(_ actions: [LearningLoop.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .record(let name, _): name
            case .requestCapture: "capture"
            case .takeSnapshot: "snapshot"
            case .enqueueTraining: "train"
            case .startRollout: "rollout"
            }
        }
    }

    func testAFullCycleFromDriftToRolloutCarriesItsChain() {
        var loop = LearningLoop(model: "m")
        var actions = loop.handle(.drift(reportID: 3, alarmed: true, cohorts: ["profile=p"], devices: ["b", "a"]), policy: automatic, now: 1000)
        XCTAssertEqual(names(actions), ["loop.capture.requested", "capture"])
        XCTAssertEqual(actions.last, .requestCapture(devices: ["a", "b"], CaptureRequest(randomRate: 0.05, maxPerHour: 600, durationSeconds: 3600,
                                                                                          reason: "learning loop m cycle 1")))
        XCTAssertEqual(loop.phase, .capturing)
        XCTAssertEqual(loop.cycle, 1)
        XCTAssertEqual(names(loop.handle(.labelled(99), policy: automatic, now: 2000)), [], "one short of the minimum")
        actions = loop.handle(.labelled(100), policy: automatic, now: 3000)
        XCTAssertEqual(actions.first, .takeSnapshot(devices: ["a", "b"], since: 1000), "labels since the capture began")
        XCTAssertEqual(loop.phase, .snapshotting)
        actions = loop.handle(.snapshotTaken(id: "snap1", samples: 2100), policy: automatic, now: 3100)
        XCTAssertEqual(names(actions), ["loop.snapshot.taken", "train"])
        XCTAssertEqual(loop.handle(.jobQueued(id: "job1"), policy: automatic, now: 3200).count, 1)
        XCTAssertEqual(loop.handle(.job(.pending), policy: automatic, now: 3300), [])
        actions = loop.handle(.job(.succeeded(release: 2, blessed: true, reasons: [])), policy: automatic, now: 4000)
        XCTAssertEqual(names(actions), ["loop.candidate.blessed", "rollout"])
        _ = loop.handle(.rolloutStarted(id: "ro1"), policy: automatic, now: 4100)
        actions = loop.handle(.rollout(.completed), policy: automatic, now: 9000)
        guard case .record("loop.cycle.finished", let details) = actions.first else { return XCTFail("\(actions)") }
        XCTAssertEqual(details, ["cycle": "1", "trigger": "drift report 3", "snapshot": "snap1", "job": "job1", "release": "2", "rollout": "ro1",
                                 "outcome": "candidate 2 rolled out"], "the finished event names every step before it")
        XCTAssertEqual(loop.phase, .coolingDown)
    }

    func testCoolDownIgnoresDriftAndManualPolicyOnlyNotes() {
        var loop = LearningLoop(model: "m")
        loop.phase = .coolingDown
        loop.phaseSince = 0
        XCTAssertEqual(loop.handle(.drift(reportID: 5, alarmed: true, cohorts: [], devices: ["a"]), policy: automatic, now: 10_000), [])
        XCTAssertEqual(loop.lastDriftReport, 5, "seen, so it is not acted on after the cool-down either")
        _ = loop.handle(.tick, policy: automatic, now: 60_000)
        XCTAssertEqual(loop.phase, .idle)
        XCTAssertEqual(loop.handle(.drift(reportID: 5, alarmed: true, cohorts: [], devices: ["a"]), policy: automatic, now: 61_000), [])
        XCTAssertEqual(loop.handle(.drift(reportID: 6, alarmed: false, cohorts: [], devices: ["a"]), policy: automatic, now: 61_000), [],
                       "no alarm raised: nothing to retrain for")
        var manual = automatic
        manual.mode = .manual
        XCTAssertEqual(loop.handle(.drift(reportID: 7, alarmed: true, cohorts: [], devices: ["a"]), policy: manual, now: 62_000), [])
        XCTAssertEqual(loop.phase, .idle)
        XCTAssertFalse(loop.handle(.operatorRequest(devices: ["a"]), policy: manual, now: 63_000).isEmpty, "an operator starts a cycle under a manual policy")
        XCTAssertEqual(loop.phase, .capturing)
        XCTAssertEqual(loop.trigger, "operator")
    }

    func testTimeoutsRefusalsAndFailuresEndTheCycleWithAReason() {
        var loop = LearningLoop(model: "m")
        _ = loop.handle(.operatorRequest(devices: ["a"]), policy: automatic, now: 0)
        XCTAssertEqual(names(loop.handle(.tick, policy: automatic, now: 599_999)), [])
        _ = loop.handle(.labelled(12), policy: automatic, now: 599_999)
        XCTAssertEqual(names(loop.handle(.tick, policy: automatic, now: 600_000)), ["loop.cycle.finished"])
        XCTAssertEqual(loop.outcome, "failed: 12 of 100 labelled samples after 600 s")

        loop = LearningLoop(model: "m")
        _ = loop.handle(.operatorRequest(devices: ["a"]), policy: automatic, now: 0)
        _ = loop.handle(.labelled(100), policy: automatic, now: 1)
        _ = loop.handle(.snapshotTaken(id: "s", samples: 100), policy: automatic, now: 2)
        _ = loop.handle(.job(.succeeded(release: 3, blessed: false, reasons: ["accuracy 0.41 < 0.9"])), policy: automatic, now: 3)
        XCTAssertEqual(loop.outcome, "candidate 3 refused by the gate: accuracy 0.41 < 0.9")
        XCTAssertEqual(loop.blessed, false)

        loop = LearningLoop(model: "m")
        _ = loop.handle(.operatorRequest(devices: ["a"]), policy: automatic, now: 0)
        _ = loop.handle(.failed("broker down"), policy: automatic, now: 5)
        XCTAssertEqual(loop.outcome, "failed: broker down")
        XCTAssertEqual(loop.phase, .coolingDown)

        loop = LearningLoop(model: "m")
        _ = loop.handle(.operatorRequest(devices: ["a"]), policy: automatic, now: 0)
        _ = loop.handle(.labelled(100), policy: automatic, now: 1)
        _ = loop.handle(.snapshotTaken(id: "s", samples: 100), policy: automatic, now: 2)
        _ = loop.handle(.tick, policy: automatic, now: 300_002)
        XCTAssertEqual(loop.outcome, "failed: training did not finish within 300 s")
    }

    func testCaptureIsAskedAgainWhenItsDurationEnds() {
        var policy = automatic
        policy.captureDurationSeconds = 30
        var loop = LearningLoop(model: "m")
        _ = loop.handle(.operatorRequest(devices: ["a"]), policy: policy, now: 0)
        XCTAssertEqual(names(loop.handle(.tick, policy: policy, now: 29_999)), [])
        XCTAssertEqual(names(loop.handle(.tick, policy: policy, now: 30_000)), ["capture"])
        XCTAssertEqual(names(loop.handle(.tick, policy: policy, now: 45_000)), [])
    }

    func testPolicyAndSettingsRefuseBadValuesWithTheirKeys() throws {
        let bad = #"{"models": {"m": {"mode": "automatic", "captureRandomRate": 2}}}"#
        let settings = try JSONDecoder().decode(LearningLoopSettings.self, from: Data(bad.utf8))
        XCTAssertEqual(settings.problem()?.key, "loop.models.m.captureRandomRate")
        XCTAssertThrowsError(try JSONDecoder().decode(LearningLoopSettings.self, from: Data(#"{"default": {"mod": "automatic"}}"#.utf8)))
        let good = try JSONDecoder().decode(LearningLoopSettings.self, from: Data(#"{"default": {"mode": "automatic", "rollout": true}}"#.utf8))
        XCTAssertNil(good.problem())
        XCTAssertEqual(good.policy(for: "any").mode, .automatic)
    }

    // MARK: The service, with fake ports and a real store

    final class FakePorts: LearningLoopPorts, @unchecked Sendable {
        struct State {
            var drift: LearningLoop.Input?
            var labelled = 0
            var captures: [[String]] = []
            var snapshots = 0
            var jobs: [String: LearningLoop.JobProgress] = [:]
            var rollouts: [String: LearningLoop.RolloutProgress] = [:]
            var events: [CollectorEvent] = []
            var failSnapshot: String?
        }
        let state = Mutex(State())

        func newestDrift(model: String) async throws(CollectorError) -> LearningLoop.Input? { state.withLock { $0.drift } }
        func requestCapture(devices: [String], _ request: CaptureRequest, cause: [String: String]) async throws(CollectorError) {
            state.withLock { $0.captures.append(devices) }
        }
        func labelledSamples(model: String, devices: [String], since: Int64) async throws(CollectorError) -> Int { state.withLock { $0.labelled } }
        func takeSnapshot(model: String, devices: [String], since: Int64, cause: [String: String]) async throws(CollectorError) -> (id: String, samples: Int) {
            if let reason = state.withLock({ $0.failSnapshot }) { throw CollectorError(.invalidRequest, reason) }
            return state.withLock { state in
                state.snapshots += 1
                return ("snap\(state.snapshots)", 500)
            }
        }
        func enqueueTraining(model: String, snapshot: String, cause: [String: String]) async throws(CollectorError) -> String {
            state.withLock { $0.jobs["job-\(snapshot)"] = .pending }
            return "job-\(snapshot)"
        }
        func job(_ id: String) async throws(CollectorError) -> LearningLoop.JobProgress { state.withLock { $0.jobs[id] ?? .failed("unknown") } }
        func startRollout(model: String, release: UInt64, gates: RolloutGatePolicy?, cause: [String: String]) async throws(CollectorError) -> String {
            state.withLock { $0.rollouts["ro-\(release)"] = .running }
            return "ro-\(release)"
        }
        func rollout(_ id: String) async throws(CollectorError) -> LearningLoop.RolloutProgress { state.withLock { $0.rollouts[id] ?? .aborted("unknown") } }
        func registeredModels() async throws(CollectorError) -> [String] { ["m"] }
        func reportingDevices(model: String) async throws(CollectorError) -> [String] { ["a", "b", "c"] }
        func record(_ event: CollectorEvent) async throws(CollectorError) { state.withLock { $0.events.append(event) } }
    }

    func testTheServiceRunsACycleAndResumesAfterARestart() async throws {
        let directory = try Fixtures.temporaryDirectory("learning-loop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("collector.sqlite").path
        let clock = ManualWallClock(1_000_000)
        let ports = FakePorts()
        let settings = LearningLoopSettings(models: ["m": automatic])
        var service = LearningLoopService(store: try SQLiteStore(path: path, logger: CollectorHarness.logger), ports: ports, settings: settings,
                                          clock: clock, logger: CollectorHarness.logger)
        await service.stepAll()
        XCTAssertTrue(ports.state.withLock { $0.captures.isEmpty }, "no drift report yet")
        ports.state.withLock { $0.drift = .drift(reportID: 1, alarmed: true, cohorts: ["profile=p"], devices: ["a", "b"]) }
        await service.stepAll()
        XCTAssertEqual(ports.state.withLock { $0.captures }, [["a", "b"]])
        ports.state.withLock { $0.labelled = 150 }
        await service.stepAll()
        var loop = try await service.step(model: "m")
        XCTAssertEqual(loop.phase, .training)
        XCTAssertEqual(loop.snapshot, "snap1")
        XCTAssertEqual(loop.job, "job-snap1", "snapshot and job follow each other within one step")

        // A restart: a new service on the same database continues the same cycle.
        service = LearningLoopService(store: try SQLiteStore(path: path, logger: CollectorHarness.logger), ports: ports, settings: settings,
                                      clock: clock, logger: CollectorHarness.logger)
        ports.state.withLock { $0.jobs["job-snap1"] = .succeeded(release: 2, blessed: true, reasons: []) }
        loop = try await service.step(model: "m")
        XCTAssertEqual(loop.phase, .rollingOut)
        XCTAssertEqual(loop.rollout, "ro-2")
        ports.state.withLock { $0.rollouts["ro-2"] = .completed }
        loop = try await service.step(model: "m")
        XCTAssertEqual(loop.phase, .coolingDown)
        XCTAssertEqual(loop.outcome, "candidate 2 rolled out")
        let events = ports.state.withLock { $0.events.map(\.name) }
        XCTAssertEqual(events, ["loop.capture.requested", "loop.labels.collected", "loop.snapshot.taken", "loop.training.queued",
                                "loop.candidate.blessed", "loop.rollout.started", "loop.cycle.finished"])
        XCTAssertEqual(ports.state.withLock { $0.snapshots }, 1, "nothing done twice across the restart")

        // After the cool-down a new alarm starts cycle 2; a failing step ends it with the reason and the service keeps going.
        clock.advance(by: 61_000)
        ports.state.withLock {
            $0.drift = .drift(reportID: 2, alarmed: true, cohorts: [], devices: ["c"])
            $0.failSnapshot = "the snapshot would have one class"
        }
        loop = try await service.step(model: "m")
        XCTAssertEqual(loop.cycle, 2)
        loop = try await service.step(model: "m")
        XCTAssertEqual(loop.outcome, "failed: the snapshot would have one class")
    }

    func testAnOperatorCycleIsRefusedWhileOneRuns() async throws {
        let directory = try Fixtures.temporaryDirectory("learning-loop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = LearningLoopService(store: try SQLiteStore(path: directory.appendingPathComponent("c.sqlite").path, logger: CollectorHarness.logger),
                                          ports: FakePorts(), settings: LearningLoopSettings(), clock: ManualWallClock(0), logger: CollectorHarness.logger)
        let loop = try await service.start(model: "m", devices: [])
        XCTAssertEqual(loop.devices, ["a", "b", "c"], "no device list: every device reporting the model")
        do {
            _ = try await service.start(model: "m", devices: ["a"])
            XCTFail("a second cycle started")
        } catch {
            XCTAssertEqual(error.code, .conflict)
        }
    }

    /// The loop through the API: its state and policy, an operator's cycle (admin only), 409 while one runs, 404 for an
    /// unknown model, and the dashboard page with the cycle's chain.
    func testTheLoopThroughTheAPIAndTheDashboard() async throws {
        let harness = try CollectorHarness { $0.loop = LearningLoopSettings(intervalSeconds: 3600, models: ["vib": LearningLoopPolicy(mode: .manual)]) }
        try await harness.start()
        defer { Task { await harness.stop() } }
        let digest = String(repeating: "e", count: 64), now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try await harness.store.insert(NewModelVersion(record: ModelVersionRecord(
            model: "vib", release: 1, version: "1.0.0", digest: digest, size: 1, manifestSHA256: digest, builtAt: now, registeredAt: now,
            createdBy: "test", source: "upload", lineage: Lineage(datasetSnapshotSHA256: digest, codeVersion: "test"), labels: [],
            requirements: DeviceRequirements(operators: [], arenaBytes: 0, weightsBytes: 0, macs: 0), signers: []), manifestJSON: "{}"))

        var result = try await harness.get("/api/v1/models/vib/loop")
        XCTAssertEqual(result.status, 200, result.text)
        var body = try result.json()
        XCTAssertEqual((body["loop"] as? [String: Any])?["phase"] as? String, "idle")
        XCTAssertEqual((body["policy"] as? [String: Any])?["mode"] as? String, "manual")
        let unknown = try await harness.get("/api/v1/models/nope/loop")
        XCTAssertEqual(unknown.status, 404)

        result = try await harness.send("POST", "/api/v1/models/vib/loop", json: [String: Any]())
        XCTAssertEqual(result.status, 400, "no device reports the model: \(result.text)")
        XCTAssertTrue(result.text.contains("no device reports vib"))
        result = try await harness.send("POST", "/api/v1/models/vib/loop", json: ["devices": ["pi-1", "pi-2"]], token: CollectorHarness.readToken)
        XCTAssertEqual(result.status, 403)
        result = try await harness.send("POST", "/api/v1/models/vib/loop", json: ["devices": ["pi-1", "pi-2"]])
        XCTAssertEqual(result.status, 202, result.text)
        body = try result.json()
        let loop = try XCTUnwrap(body["loop"] as? [String: Any])
        XCTAssertEqual(loop["phase"] as? String, "capturing")
        XCTAssertEqual(loop["devices"] as? [String], ["pi-1", "pi-2"])
        XCTAssertEqual((body["events"] as? [[String: Any]])?.first?["name"] as? String, "loop.capture.requested")
        result = try await harness.send("POST", "/api/v1/models/vib/loop", json: ["devices": ["pi-3"]])
        XCTAssertEqual(result.status, 409, result.text)

        let page = try await harness.get("/models/vib/loop")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("id=\"cycle-1\""))
        XCTAssertTrue(page.text.contains("class=\"step current\""), "the cycle is under way")
    }
}
