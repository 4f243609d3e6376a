@testable import Collector
import Bundles
import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// The rollout engine on a real SQLite store with a manual clock (bakes take no time) and devices that answer
/// through ingest, as their messages would arrive.
final class RolloutEngineTests: XCTestCase {
    var directory: URL!
    var store: SQLiteStore!
    var clock: ManualWallClock!
    var fleet: RolloutTestFleet!
    var sequence: [String: UInt64] = [:]
    let start: Int64 = 1_800_000_000_000
    let championBundle = BundleReference(name: "keyword-spotter", version: "1.3.0", digest: RolloutFixtures.champion.digest, releaseCounter: 3)
    let candidateBundle = BundleReference(name: "keyword-spotter", version: "1.4.0", digest: RolloutFixtures.candidate.digest, releaseCounter: 4)
    let devices = (0..<20).map { "dev-\($0)" }

    override func setUp() async throws {
        directory = try Fixtures.temporaryDirectory("rollout-engine")
        store = try SQLiteStore(path: directory.appendingPathComponent("collector.sqlite").path, logger: CollectorHarness.logger)
        clock = ManualWallClock(start)
        fleet = RolloutTestFleet(store: store, clock: clock)
        for (version, manifest) in [(RolloutFixtures.champion, "{}"), (RolloutFixtures.candidate, "{ }")] {
            _ = try await store.insert(NewModelVersion(record: version, manifestJSON: manifest))
        }
        _ = try await store.setAlias(model: "keyword-spotter", alias: "champion", release: 3, by: "test", at: start)
        _ = try await store.setBlessed(model: "keyword-spotter", release: 4, blessed: false, by: "gate", at: start)
        for device in devices + ["no-birth"] {
            let seq = next(device)
            let message = device == "no-birth" ? Messages.telemetry(device: device, seq: seq, report: report(championBundle, at: start))
                                               : Messages.birth(device: device, seq: seq, bundle: championBundle)
            _ = try await store.ingest([message], receivedAt: start)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func stored(_ id: String) async throws -> RolloutRecord {
        let found = try await store.rollout(id: id)
        return try XCTUnwrap(found)
    }

    func next(_ device: String) -> UInt64 {
        sequence[device, default: 0] += 1
        return sequence[device]!
    }

    func report(_ bundle: BundleReference, at time: Int64, p95: UInt64 = 15_000, predictions: [UInt64] = [50, 30, 20]) -> TelemetryReport {
        Messages.report(at: time, p50: p95 * 2 / 3, p95: p95, predictions: predictions, bundle: bundle)
    }

    func engine(_ strategy: RolloutStrategy = RolloutFixtures.strategy()) -> RolloutEngine {
        RolloutEngine(store: store, actuator: fleet, settings: RolloutSettings(strategy: strategy),
                      profiles: RolloutEngine.loadProfiles(Fixtures.root.appendingPathComponent("firmware-profiles").path, logger: CollectorHarness.logger),
                      clock: clock, logger: CollectorHarness.logger)
    }

    func bless(_ release: UInt64 = 4) async throws {
        _ = try await store.setBlessed(model: "keyword-spotter", release: release, blessed: true, by: "gate", at: start)
    }

    func request(_ target: RolloutTarget = RolloutTarget(profiles: ["rpi-4b-2gb"]), version: String = "4",
                 strategy: RolloutStrategy? = nil) -> RolloutRequest {
        RolloutRequest(model: "keyword-spotter", version: version, target: target, strategy: strategy, createdBy: "ops")
    }

    /// Devices report one interval each: those running the candidate with the candidate's behaviour.
    func reportAll(running: Set<String>, p95: UInt64 = 15_000, predictions: [UInt64] = [50, 30, 20]) async throws {
        let now = clock.now()
        var batch: [IngestMessage] = []
        for device in devices {
            let candidate = running.contains(device)
            batch.append(Messages.telemetry(device: device, seq: next(device),
                                            report: report(candidate ? candidateBundle : championBundle, at: now,
                                                           p95: candidate ? p95 : 15_000, predictions: candidate ? predictions : [50, 30, 20])))
        }
        _ = try await store.ingest(batch, receivedAt: now + 500)
    }

    /// A device reports an update phase of an assignment.
    func phase(_ device: String, _ phase: UpdatePhase, assignment: String, target: BundleReference) async throws {
        let event = DeviceEvent(name: .updatePhase, update: UpdateProgress(assignmentID: assignment, phase: phase, previousPhase: nil,
                                                                           target: target, serving: target))
        let seq = next(device)
        let payload = try FleetCodec.encode(event, device: device, stream: "s1", seq: seq, head: 1, time: clock.now())
        guard case .store(let message) = try MessageDecoder(maximumPayloadBytes: 1 << 20).decode(topic: "edgefleet/v1/dev/\(device)/events",
                                                                                                payload: payload) else {
            return XCTFail("phase not stored")
        }
        _ = try await store.ingest([message], receivedAt: clock.now())
    }

    /// Runs the fleet for `seconds` in 10-second steps: devices install what they are sent (or fail), report, the engine steps.
    func run(_ engine: RolloutEngine, seconds: Int, installs: Bool = true, p95: UInt64 = 15_000, predictions: [UInt64] = [50, 30, 20],
             running: inout Set<String>, until done: (RolloutRecord) -> Bool = { _ in false }, id: String) async throws {
        for _ in 0..<(seconds / 10) {
            await engine.step()
            for device in fleet.assigned where !running.contains(device) {
                let assignment = try XCTUnwrap(fleet.assignmentID(device))
                if installs {
                    try await phase(device, .committed, assignment: assignment, target: candidateBundle)
                    running.insert(device)
                } else {
                    try await phase(device, .failed, assignment: assignment, target: candidateBundle)
                }
            }
            try await reportAll(running: running, p95: p95, predictions: predictions)
            clock.advance(by: 10_000)
            if let rollout = try await store.rollout(id: id), done(rollout) { return }
        }
    }

    // MARK: Tests

    func testAGoodModelReachesEveryEligibleDeviceAndBecomesChampion() async throws {
        try await bless()
        var running = Set<String>()
        try await reportAll(running: running)
        clock.advance(by: 60_000)
        try await reportAll(running: running)
        let engine = engine()
        let created = try await engine.create(request(RolloutTarget(profiles: ["rpi-4b-2gb"], devices: ["no-birth", "ghost"])))
        XCTAssertEqual(created.plan.control.count + created.plan.waves.flatMap { $0 }.count, 20)
        XCTAssertEqual(Set(created.ineligible.map(\.deviceID)), ["no-birth", "ghost"])
        try await run(engine, seconds: 1200, running: &running, until: { $0.status == .completed && $0.pendingAssignments.isEmpty }, id: created.id)
        await engine.step()
        let rollout = try await stored(created.id)
        XCTAssertEqual(rollout.status, .completed, rollout.decisions.map { "\($0.kind): \($0.reason)" }.joined(separator: "\n"))
        XCTAssertTrue(rollout.promoted)
        XCTAssertEqual(Set(fleet.assigned), Set(devices), "the whole eligible fleet, control included, got it")
        XCTAssertEqual(fleet.assigned.count, devices.count, "each device once")
        XCTAssertFalse(fleet.assigned.contains("no-birth"))
        let champion = try await store.versions(model: "keyword-spotter").first { $0.aliases.contains("champion") }
        XCTAssertEqual(champion?.release, 4)
        let events = try await store.events(EventFilter(model: "keyword-spotter", limit: 1000)).map(\.name)
        for name in ["rollout.created", "rollout.wave.started", "rollout.gate.passed", "rollout.completed", "rollout.promoted"] {
            XCTAssertTrue(events.contains(name), name)
        }
        let claims = try await store.rolloutClaims(deviceIDs: devices)
        XCTAssertEqual(claims, [:], "a finished rollout releases its devices")
    }

    func testASlowModelIsStoppedInTheCanaryAndEveryExposedDeviceReturns() async throws {
        try await bless()
        var running = Set<String>()
        try await reportAll(running: running)
        clock.advance(by: 60_000)
        let engine = engine()
        let created = try await engine.create(request())
        try await run(engine, seconds: 300, p95: 60_000, running: &running, until: { $0.status != .running }, id: created.id)
        var rollout = try await stored(created.id)
        XCTAssertEqual(rollout.status, .rollingBack, rollout.decisions.map { "\($0.kind): \($0.reason)" }.joined(separator: "\n"))
        XCTAssertEqual(Set(fleet.assigned), Set(created.plan.waves[0]), "only the canary was exposed")
        let failed = try XCTUnwrap(rollout.decisions.first { $0.kind == "gate.failed" })
        XCTAssertEqual(failed.wave, 0)
        XCTAssertTrue(failed.gates?.contains { $0.gate == "latency" && $0.verdict == .fail } ?? false, failed.reason)
        await engine.step()
        XCTAssertEqual(Set(fleet.rollbacks), Set(created.plan.waves[0]), "every exposed device is sent back")
        // The devices switch back: phase rolledBack, then telemetry on the champion.
        for device in created.plan.waves[0] {
            try await phase(device, .rolledBack, assignment: try XCTUnwrap(fleet.assignmentID(device)), target: candidateBundle)
        }
        try await reportAll(running: [])
        await engine.step()
        rollout = try await stored(created.id)
        XCTAssertEqual(rollout.status, .rolledBack)
        XCTAssertEqual(Set(rollout.returned), Set(created.plan.waves[0]))
        let champion = try await store.versions(model: "keyword-spotter").first { $0.aliases.contains("champion") }
        XCTAssertEqual(champion?.release, 3, "the champion did not move")
    }

    func testModelsThatDisagreeOrFailToLoadAreStoppedInTheCanary() async throws {
        try await bless()
        for (installs, predictions, gate) in [(true, [UInt64(5), 5, 90], "predictions"), (false, [UInt64(50), 30, 20], "install")] {
            fleet = RolloutTestFleet(store: store, clock: clock)
            var running = Set<String>()
            try await reportAll(running: running)
            clock.advance(by: 60_000)
            let engine = engine()
            let created = try await engine.create(request())
            try await run(engine, seconds: 300, installs: installs, predictions: predictions, running: &running,
                          until: { $0.status != .running }, id: created.id)
            let rollout = try await stored(created.id)
            let failed = try XCTUnwrap(rollout.decisions.first { $0.kind == "gate.failed" }, gate)
            XCTAssertEqual(failed.wave, 0, gate)
            XCTAssertTrue(failed.gates?.contains { $0.gate == gate && $0.verdict == .fail } ?? false, failed.reason)
            // Devices that never switched are on the champion already; the rollback settles at once for them.
            if !installs {
                await engine.step()
                await engine.step()
                let settled = try await store.rollout(id: created.id)
                XCTAssertEqual(settled?.status, .rolledBack)
            } else {
                for device in created.plan.waves[0] {
                    try await phase(device, .rolledBack, assignment: try XCTUnwrap(fleet.assignmentID(device)), target: candidateBundle)
                }
                try await reportAll(running: [])
                await engine.step()
                let settled = try await store.rollout(id: created.id)
                XCTAssertEqual(settled?.status, .rolledBack)
            }
        }
    }

    func testARestartContinuesWithoutAssigningAnyDeviceTwice() async throws {
        try await bless()
        var running = Set<String>()
        try await reportAll(running: running)
        clock.advance(by: 60_000)
        let first = engine()
        let created = try await first.create(request())
        // The collector died after sending to one canary device and before storing that it had.
        let early = created.plan.waves[0][0]
        try await store.insert(AssignmentRecord(id: "asg-early", deviceID: early, model: "keyword-spotter", release: 4, version: "1.4.0",
                                                digest: RolloutFixtures.candidate.digest, size: 4096, chunkSize: 1024, createdAt: clock.now(),
                                                createdBy: "rollout:\(created.id)"))
        try await phase(early, .committed, assignment: "asg-early", target: candidateBundle)
        running.insert(early)
        // A new engine on a reopened store: what a restarted collector has.
        store = try SQLiteStore(path: directory.appendingPathComponent("collector.sqlite").path, logger: CollectorHarness.logger)
        fleet = RolloutTestFleet(store: store, clock: clock)
        let second = engine()
        try await run(second, seconds: 1200, running: &running, until: { $0.status == .completed && $0.pendingAssignments.isEmpty }, id: created.id)
        XCTAssertFalse(fleet.assigned.contains(early), "the device assigned before the crash is not assigned again")
        XCTAssertEqual(fleet.assigned.count, Set(fleet.assigned).count, "no device twice")
        let rollout = try await store.rollout(id: created.id)
        XCTAssertEqual(rollout?.status, .completed)
        XCTAssertEqual(Set(rollout?.assigned ?? []), Set(devices))
    }

    func testBadRequestsAreRefusedWithAReasonAndChangeNothing() async throws {
        let engine = engine()
        func refused(_ code: CollectorError.Code, _ request: RolloutRequest, _ fragment: String) async {
            do {
                _ = try await engine.create(request)
                XCTFail("accepted: \(request)")
            } catch {
                XCTAssertEqual(error.code, code, error.message)
                XCTAssertTrue(error.message.contains(fragment), error.message)
            }
        }
        await refused(.conflict, request(), "not blessed")
        try await bless()
        await refused(.notFound, request(version: "99"), "release counter 99")
        await refused(.notFound, RolloutRequest(model: "nope", version: "1", target: RolloutTarget(tags: ["x"]), createdBy: "ops"), "no model")
        await refused(.invalidRequest, request(RolloutTarget()), "target is empty")
        await refused(.invalidRequest, request(RolloutTarget(tags: ["nobody"])), "matches no known device")
        await refused(.invalidRequest, request(RolloutTarget(devices: ["no-birth", "dev-1"])), "no firmware profile")
        await refused(.invalidRequest, request(strategy: RolloutStrategy(growthFactor: 0)), "growthFactor")
        await refused(.conflict, request(version: "3"), "already the champion")
        let rollouts = try await store.rollouts(activeOnly: false, limit: 10)
        XCTAssertEqual(rollouts, [])
        XCTAssertEqual(fleet.assigned, [])
        let first = try await engine.create(request(RolloutTarget(devices: ["dev-1", "dev-2", "dev-3"])))
        await refused(.conflict, request(), "already belong to an active rollout")
        let after = try await store.rollouts(activeOnly: false, limit: 10)
        XCTAssertEqual(after.map(\.id), [first.id])
        let events = try await store.events(EventFilter(name: "rollout.created"))
        XCTAssertEqual(events.count, 1)
    }

    func testOperatorsPauseResumeAbortAndPromote() async throws {
        try await bless()
        let engine = engine()
        let created = try await engine.create(request())
        var rollout = try await engine.pause(id: created.id, reason: "waiting for the weekend", by: "ops")
        XCTAssertEqual(rollout.status, .paused)
        await engine.step()
        XCTAssertEqual(fleet.assigned, [], "a paused rollout sends nothing")
        rollout = try await engine.resume(id: created.id, by: "ops")
        XCTAssertEqual(Set(fleet.assigned), Set(created.plan.waves[0]), "resuming sends the canary at once")
        rollout = try await engine.promote(id: created.id, by: "ops")
        XCTAssertEqual(rollout.status, .completed)
        await engine.step()
        XCTAssertEqual(Set(fleet.assigned), Set(devices), "a promoted version goes to every planned device")
        do {
            _ = try await engine.abort(id: created.id, reason: nil, by: "ops")
            XCTFail("a completed rollout cannot be aborted")
        } catch {
            XCTAssertEqual(error.code, .conflict)
        }
        do {
            _ = try await engine.pause(id: "ro-missing", reason: nil, by: "ops")
            XCTFail("unknown rollout")
        } catch {
            XCTAssertEqual(error.code, .notFound)
        }
    }
}
