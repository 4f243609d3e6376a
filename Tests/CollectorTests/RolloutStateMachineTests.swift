@testable import Collector
import XCTest

/// The rollout's state machine alone: no store, no clock, no MQTT.
final class RolloutStateMachineTests: XCTestCase {
    let pass = [RolloutGateResult(gate: "errors", verdict: .pass, wave: 0, control: 0, threshold: 0.01, reason: "fine")]
    let fail = [RolloutGateResult(gate: "latency", verdict: .fail, wave: 2, control: 1, threshold: 1.25, reason: "twice as slow")]
    let unsure = [RolloutGateResult(gate: "reporting", verdict: .inconclusive, wave: 0.5, control: nil, threshold: 0.8, reason: "half silent")]

    func testThePlanIsDeterministicStratifiedAndCoversEveryDeviceOnce() {
        let devices = RolloutFixtures.devices(100)
        let strategy = RolloutFixtures.strategy(canary: 4)
        let plan = RolloutPlan.make(rolloutID: "ro-1", eligible: devices, strategy: strategy)
        XCTAssertEqual(plan, RolloutPlan.make(rolloutID: "ro-1", eligible: Array(devices.reversed()), strategy: strategy), "order of input does not matter")
        XCTAssertNotEqual(plan, RolloutPlan.make(rolloutID: "ro-2", eligible: devices, strategy: strategy), "another rollout picks other devices")
        let all = plan.control + plan.waves.flatMap { $0 }
        XCTAssertEqual(all.count, 100)
        XCTAssertEqual(Set(all).count, 100)
        XCTAssertEqual(plan.control.count, 10)
        XCTAssertEqual(plan.waves.map(\.count), [4, 8, 16, 32, 30], "canary, then ×2 up to 50 % of the fleet")
        let profiles = Dictionary(uniqueKeysWithValues: devices.map { ($0.id, $0.profile!) })
        XCTAssertEqual(Set(plan.waves[0].map { profiles[$0]! }).count, 2, "the canary spans both profiles")
        XCTAssertEqual(Set(plan.control.map { profiles[$0]! }).count, 2, "and so does the control")
    }

    func testAGoodRolloutGoesWaveByWaveAndPromotes() {
        var machine = RolloutFixtures.machine()
        let now: Int64 = 1_000_000
        XCTAssertEqual(machine.start(now: now), [.assign(machine.plan.waves[0])])
        XCTAssertEqual(machine.pendingAssignments, machine.plan.waves[0])
        machine.assigned(machine.plan.waves[0])
        XCTAssertEqual(machine.tick(now: now + 59_000), [], "still baking")
        XCTAssertEqual(machine.tick(now: now + 60_000), [.evaluateGates(wave: 0, from: now, to: now + 60_000)])
        var time = now + 60_000
        for wave in 0..<machine.plan.waves.count {
            let actions = machine.gatesEvaluated(pass, wave: wave, now: time)
            if wave + 1 < machine.plan.waves.count {
                XCTAssertEqual(actions, [.assign(machine.plan.waves[wave + 1])])
                machine.assigned(machine.plan.waves[wave + 1])
            } else {
                XCTAssertEqual(actions, [.promote, .assign(machine.plan.control)])
            }
            time += 60_000
        }
        XCTAssertEqual(machine.status, .completed)
        XCTAssertTrue(machine.promoted)
        XCTAssertEqual(machine.pendingAssignments, machine.plan.control, "once promoted the control gets it too")
        XCTAssertEqual(machine.decisions.map(\.kind).filter { $0 == "gate.passed" }.count, machine.plan.waves.count)
        XCTAssertEqual(machine.decisions.suffix(2).map(\.kind), ["completed", "promoted"])
    }

    func testAFailedGateRollsBackEveryExposedDeviceAndTracksThemHome() {
        var machine = RolloutFixtures.machine()
        _ = machine.start(now: 0)
        machine.assigned(machine.plan.waves[0])
        let actions = machine.gatesEvaluated(fail, wave: 0, now: 60_000)
        XCTAssertEqual(actions, [.rollback(machine.plan.waves[0])])
        XCTAssertEqual(machine.status, .rollingBack)
        XCTAssertEqual(machine.pendingAssignments, [], "nothing more is assigned")
        XCTAssertTrue(machine.decisions.contains { $0.kind == "gate.failed" && $0.reason.contains("twice as slow") })
        XCTAssertEqual(machine.rollbacksDue(now: 60_000, retrySeconds: 10, maximumAttempts: 3), machine.plan.waves[0])
        for device in machine.plan.waves[0] { machine.rollbackSent(device, now: 60_000) }
        XCTAssertEqual(machine.rollbacksDue(now: 69_000, retrySeconds: 10, maximumAttempts: 3), [])
        XCTAssertEqual(machine.rollbacksDue(now: 70_000, retrySeconds: 10, maximumAttempts: 3), machine.plan.waves[0], "retried after 10 s")
        for device in machine.plan.waves[0] { machine.rollbackSent(device, now: 70_000) }
        XCTAssertEqual(machine.rollbacksDue(now: 85_000, retrySeconds: 10, maximumAttempts: 3), [], "then after 20 s (backoff)")
        XCTAssertEqual(machine.rollbacksDue(now: 90_000, retrySeconds: 10, maximumAttempts: 3).count, machine.plan.waves[0].count)
        machine.deviceReturned(machine.plan.waves[0][0], now: 91_000)
        XCTAssertEqual(machine.status, .rollingBack)
        machine.deviceReturned("not-exposed", now: 91_000)
        for device in machine.plan.waves[0].dropFirst() { machine.deviceReturned(device, now: 92_000) }
        XCTAssertEqual(machine.status, .rolledBack)
        XCTAssertEqual(machine.finishedAt, 92_000)
        XCTAssertEqual(machine.decisions.last?.kind, "rolled_back")
    }

    func testInconclusiveGatesExtendTheBakeThenPause() {
        var machine = RolloutFixtures.machine(strategy: RolloutFixtures.strategy(extensions: 1))
        _ = machine.start(now: 0)
        XCTAssertEqual(machine.gatesEvaluated(unsure, wave: 0, now: 60_000), [])
        XCTAssertEqual(machine.status, .running)
        XCTAssertEqual(machine.bakeUntil, 120_000, "baked once more")
        XCTAssertEqual(machine.gatesEvaluated(unsure, wave: 0, now: 120_000), [])
        XCTAssertEqual(machine.status, .paused)
        XCTAssertEqual(machine.tick(now: 1_000_000), [], "a paused rollout waits for an operator")
        XCTAssertEqual(machine.decisions.last?.kind, "paused")
        let resumed = try? machine.resume(by: "ops", now: 200_000)
        XCTAssertEqual(resumed, [.assign(machine.plan.waves[0])], "devices not yet sent the version get it")
        XCTAssertEqual(machine.bakeUntil, 260_000)
        XCTAssertEqual(machine.waveStartedAt[0], 200_000, "the gates judge a fresh period")
    }

    func testOperatorRequestsAreCheckedAgainstTheState() throws {
        var machine = RolloutFixtures.machine()
        _ = machine.start(now: 0)
        XCTAssertThrowsError(try machine.resume(by: "ops", now: 1)) { XCTAssertEqual(($0 as? CollectorError)?.code, .conflict) }
        try machine.pause(reason: "lunch", by: "ops", now: 1)
        XCTAssertThrowsError(try machine.pause(reason: "again", by: "ops", now: 2))
        machine.assigned(Array(machine.plan.waves[0].prefix(1)))
        let actions = try machine.abort(reason: "operator says no", by: "ops", now: 3)
        XCTAssertEqual(actions, [.rollback(Array(machine.plan.waves[0].prefix(1)))])
        XCTAssertThrowsError(try machine.promote(by: "ops", now: 4))
        XCTAssertEqual(machine.decisions.map(\.kind), ["created", "wave.started", "paused", "aborted"])
        XCTAssertEqual(machine.decisions.last?.by, "ops")
    }

    func testAbortingBeforeAnythingWasSentFinishesAtOnce() throws {
        var machine = RolloutFixtures.machine()
        _ = machine.start(now: 0)
        XCTAssertEqual(try machine.abort(reason: "changed my mind", by: "ops", now: 1), [])
        XCTAssertEqual(machine.status, .rolledBack)
    }

    func testAGateResultForAnotherWaveIsIgnored() {
        var machine = RolloutFixtures.machine()
        _ = machine.start(now: 0)
        XCTAssertEqual(machine.gatesEvaluated(fail, wave: 3, now: 1), [])
        XCTAssertEqual(machine.status, .running)
    }

    func testTheStateSurvivesEncoding() throws {
        var machine = RolloutFixtures.machine()
        _ = machine.start(now: 0)
        machine.assigned(machine.plan.waves[0])
        let decoded = try JSONDecoder().decode(RolloutStateMachine.self, from: JSONEncoder().encode(machine))
        XCTAssertEqual(decoded, machine)
    }

    func testStrategiesOutsideTheirRangesAreRefusedByName() {
        for (strategy, field) in [(RolloutStrategy(canaryPercent: 0), "canaryPercent"), (RolloutStrategy(growthFactor: 0.5), "growthFactor"),
                                  (RolloutStrategy(controlPercent: 100), "controlPercent"), (RolloutStrategy(bakeSeconds: -1), "bakeSeconds"),
                                  (RolloutStrategy(canaryDevices: 0), "canaryDevices"),
                                  (RolloutStrategy(gates: RolloutGatePolicy(maximumLatencyRatio: 0.5)), "maximumLatencyRatio")] {
            XCTAssertThrowsError(try strategy.validate()) { error in
                XCTAssertTrue((error as? CollectorError)?.message.contains(field) ?? false, "\(error)")
            }
        }
        XCTAssertNoThrow(try RolloutStrategy().validate())
        XCTAssertThrowsError(try JSONDecoder().decode(RolloutStrategy.self, from: Data(#"{"bakeSecond": 5}"#.utf8)), "unknown keys are refused")
        XCTAssertEqual(try JSONDecoder().decode(RolloutStrategy.self, from: Data(#"{"bakeSeconds": 5}"#.utf8)).growthFactor, 2)
    }
}
