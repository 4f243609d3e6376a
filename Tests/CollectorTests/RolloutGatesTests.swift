@testable import Collector
import FleetProtocol
import Foundation
import XCTest

/// The gates between waves as pure functions: pass, fail and inconclusive, each with its reason.
final class RolloutGatesTests: XCTestCase {
    let policy = RolloutGatePolicy(minimumInferences: 100)

    func report(throttled: UInt32? = 0, rss: UInt64 = 50_000_000, thermal: ThermalState? = nil) -> TelemetryReport {
        var report = Messages.report()
        report.resources = ResourceUsage(rssBytes: rss, cpuCores: 0.5, temperatureCelsius: 55, throttled: throttled, thermalState: thermal)
        return report
    }

    func verdicts(_ results: [RolloutGateResult]) -> [String: RolloutGateVerdict] {
        Dictionary(uniqueKeysWithValues: results.map { ($0.gate, $0.verdict) })
    }

    func testAWaveThatBehavesLikeTheControlPasses() {
        let results = RolloutGates.evaluate(wave: RolloutFixtures.sample(devices: 4, succeeded: 4),
                                            control: RolloutFixtures.sample(devices: 10, prefix: "ctl"), policy: policy)
        XCTAssertEqual(RolloutGates.overall(results), .pass, results.map(\.reason).joined(separator: "\n"))
        XCTAssertEqual(Set(results.map(\.gate)), ["install", "reporting", "errors", "latency", "predictions", "confidence", "health"])
    }

    func testFailedInstallsFailAtOnceEvenBeforeEveryInstallFinished() {
        let result = RolloutGates.install(RolloutFixtures.sample(devices: 10, succeeded: 0, failed: 1), policy)
        XCTAssertEqual(result.verdict, .fail, "one failure of ten is beyond the 5 % tolerated")
        XCTAssertTrue(result.reason.contains("1 of 10 installs failed"), result.reason)
        let waiting = RolloutGates.install(RolloutFixtures.sample(devices: 100, succeeded: 10, failed: 1), policy)
        XCTAssertEqual(waiting.verdict, .inconclusive, "1 of 100 may still be within 95 %; 11 finished is too few")
    }

    func testASlowModelFailsTheLatencyGate() {
        let results = RolloutGates.evaluate(wave: RolloutFixtures.sample(devices: 4, p95: 20_000, succeeded: 4),
                                            control: RolloutFixtures.sample(devices: 10, prefix: "ctl"), policy: policy)
        XCTAssertEqual(verdicts(results)["latency"], .fail)
        XCTAssertEqual(RolloutGates.overall(results), .fail)
    }

    func testLatencyIsJudgedAgainstTheSameDevicesBeforeTheWave() {
        // The canary's boards are twice as slow as the control's, before and after: that is not the model's fault.
        let waveBefore = RolloutFixtures.sample(devices: 4, p95: 20_000)
        let wave = RolloutFixtures.sample(devices: 4, p95: 21_000, succeeded: 4)
        let control = RolloutFixtures.sample(devices: 10, p95: 10_000, prefix: "ctl")
        let results = RolloutGates.evaluate(wave: wave, control: control, waveBefore: waveBefore, controlBefore: control, policy: policy)
        XCTAssertEqual(verdicts(results)["latency"], .pass, results.first { $0.gate == "latency" }!.reason)
        let slower = RolloutFixtures.sample(devices: 4, p95: 40_000, succeeded: 4)
        let failed = RolloutGates.evaluate(wave: slower, control: control, waveBefore: waveBefore, controlBefore: control, policy: policy)
        XCTAssertEqual(verdicts(failed)["latency"], .fail)
    }

    func testPredictionsThatDisagreeFailTheDistributionGate() {
        let results = RolloutGates.evaluate(wave: RolloutFixtures.sample(devices: 4, predictions: [100, 200, 700], succeeded: 4),
                                            control: RolloutFixtures.sample(devices: 10, prefix: "ctl"), policy: policy)
        XCTAssertEqual(verdicts(results)["predictions"], .fail)
        XCTAssertEqual(RolloutGates.jensenShannonDistance([1, 0], [0, 1]), 1)
        XCTAssertEqual(RolloutGates.jensenShannonDistance([5, 5], [50, 50]), 0)
        XCTAssertNil(RolloutGates.jensenShannonDistance([], [1]))
    }

    func testLowerConfidenceFailsTheConfidenceGate() {
        let results = RolloutGates.evaluate(wave: RolloutFixtures.sample(devices: 4, confidence: [0, 0, 0, 100, 300, 400, 200, 0, 0, 0], succeeded: 4),
                                            control: RolloutFixtures.sample(devices: 10, prefix: "ctl"), policy: policy)
        XCTAssertEqual(verdicts(results)["confidence"], .fail)
        XCTAssertEqual(verdicts(results)["latency"], .pass, "a model wrong only in its labels is as fast")
    }

    func testTooLittleDataOrSilentDevicesAreInconclusiveNotHealthy() {
        let few = RolloutGates.evaluate(wave: RolloutFixtures.sample(devices: 4, inferences: 10, succeeded: 4),
                                        control: RolloutFixtures.sample(devices: 10, prefix: "ctl"), policy: policy)
        XCTAssertEqual(RolloutGates.overall(few), .inconclusive)
        XCTAssertTrue(few.contains { $0.reason.contains("too few inferences") })
        let silent = RolloutGates.evaluate(wave: RolloutFixtures.sample(devices: 10, succeeded: 10, reporting: 5),
                                           control: RolloutFixtures.sample(devices: 10, prefix: "ctl"), policy: policy)
        XCTAssertEqual(verdicts(silent)["reporting"], .inconclusive)
        XCTAssertEqual(RolloutGates.overall(silent), .inconclusive)
    }

    func testFoldingReportsMergesHistogramsAndCountsReportingDevices() {
        let reports = [RolloutReport(deviceID: "a", at: 1, report: Messages.report(p50: 10_000, p95: 20_000, predictions: [1, 2, 3])),
                       RolloutReport(deviceID: "a", at: 2, report: Messages.report(p50: 10_000, p95: 20_000, predictions: [1, 2, 3])),
                       RolloutReport(deviceID: "x", at: 2, report: Messages.report())]
        let sample = RolloutGateSample.fold(devices: ["a", "b"], reports: reports, installsSucceeded: 1)
        XCTAssertEqual(sample.reportingDevices, 1, "b is silent and x is not in the group")
        XCTAssertEqual(sample.inferences, 200)
        XCTAssertEqual(sample.predictions, [2, 4, 6])
        XCTAssertEqual(try XCTUnwrap(sample.latencyP95Micros), 20_000, accuracy: 2_000)
        XCTAssertNotNil(sample.deviceLatencyP95Micros["a"])
    }

    // MARK: Device health: restarts, throttling, memory

    func health(wave: RolloutGateSample, control: RolloutGateSample, before: (RolloutGateSample, RolloutGateSample)? = nil) -> RolloutGateResult {
        let results = RolloutGates.evaluate(wave: wave, control: control, waveBefore: before?.0, controlBefore: before?.1, policy: policy)
        return results.first { $0.gate == "health" }!
    }

    func testRestartsBeyondTheControlsFailTheHealthGateNamingRestarts() {
        // 4 devices × 30 min = 2 device-hours; the control 10 × 30 min = 5.
        var wave = RolloutFixtures.sample(devices: 4, succeeded: 4)
        var control = RolloutFixtures.sample(devices: 10, prefix: "ctl")
        wave.deviceHours = 2
        control.deviceHours = 5
        wave.restarts = 6
        control.restarts = 1
        let failed = health(wave: wave, control: control)
        XCTAssertEqual(failed.verdict, .fail, failed.reason)
        XCTAssertTrue(failed.reason.hasPrefix("restarts failed: 3.0 per device-hour (6 restarts) against the control's 0.2"), failed.reason)
        XCTAssertEqual(failed.wave, 3)
        XCTAssertEqual(failed.threshold, 1)
        // One restart is not a pattern, however short the period.
        wave.restarts = 1
        wave.deviceHours = 0.01
        XCTAssertEqual(health(wave: wave, control: control).verdict, .pass)
        // A wave whose boards restarted as often before the wave (differences in differences) passes.
        wave.restarts = 6
        wave.deviceHours = 2
        var waveBefore = RolloutFixtures.sample(devices: 4), controlBefore = RolloutFixtures.sample(devices: 10, prefix: "ctl")
        waveBefore.restarts = 5
        waveBefore.deviceHours = 2
        controlBefore.restarts = 1
        controlBefore.deviceHours = 5
        let same = health(wave: wave, control: control, before: (waveBefore, controlBefore))
        XCTAssertEqual(same.verdict, .pass, same.reason)
        XCTAssertTrue(same.reason.contains("before the wave 2.5 and 0.2"), same.reason)
    }

    func testThrottlingBeyondTheControlsFailsAndOnlyCurrentBitsCount() {
        let reports = [RolloutReport(deviceID: "dev-0", at: 1, report: report(throttled: 0x4)),          // throttled now
                       RolloutReport(deviceID: "dev-1", at: 1, report: report(throttled: 0x5_0000)),     // only since boot
                       RolloutReport(deviceID: "dev-2", at: 1, report: report(throttled: 0x2)),          // frequency capped now
                       RolloutReport(deviceID: "dev-3", at: 1, report: report(throttled: nil))]          // no firmware call
        let folded = RolloutGateSample.fold(devices: ["dev-0", "dev-1", "dev-2", "dev-3"], reports: reports)
        XCTAssertEqual(folded.throttleReportingDevices, 3)
        XCTAssertEqual(folded.throttledDevices, 2, "bits 16–19 say since boot: not this period's")
        let agentOwn = RolloutGateSample.fold(devices: ["dev-4", "dev-5", "dev-6"], reports: [
            RolloutReport(deviceID: "dev-4", at: 1, report: report(throttled: nil, thermal: .throttling)),   // the agent slowed itself
            RolloutReport(deviceID: "dev-5", at: 1, report: report(throttled: nil, thermal: .paused)),
            RolloutReport(deviceID: "dev-6", at: 1, report: report(throttled: nil, thermal: .normal)),
        ])
        XCTAssertEqual(agentOwn.throttleReportingDevices, 3, "a thermal state is a throttling report without firmware bits")
        XCTAssertEqual(agentOwn.throttledDevices, 2, "throttling and paused count, normal does not")
        var wave = RolloutFixtures.sample(devices: 4, succeeded: 4)
        wave.throttleReportingDevices = 3
        wave.throttledDevices = 2
        var control = RolloutFixtures.sample(devices: 10, prefix: "ctl")
        control.throttleReportingDevices = 10
        control.throttledDevices = 1
        let failed = health(wave: wave, control: control)
        XCTAssertEqual(failed.verdict, .fail, failed.reason)
        XCTAssertTrue(failed.reason.hasPrefix("throttling failed: 2 of 3 wave devices throttled"), failed.reason)
        control.throttledDevices = 6
        XCTAssertEqual(health(wave: wave, control: control).verdict, .pass, "the control throttles as much: the weather, not the model")
        control.throttleReportingDevices = 0
        control.throttledDevices = 0
        let unknown = health(wave: wave, control: control)
        XCTAssertEqual(unknown.verdict, .inconclusive, unknown.reason)
        XCTAssertTrue(unknown.reason.hasPrefix("throttling inconclusive"), unknown.reason)
    }

    func testAMemoryLeakFailsTheHealthGateNamingMemory() {
        // The p95 of RSS over every report: 20 reports growing from 50 MB, the p95 is the 19th.
        let leaking = (0..<20).map { RolloutReport(deviceID: "dev-\($0 % 2)", at: Int64($0), report: report(rss: 50_000_000 + UInt64($0) * 5_000_000)) }
        let folded = RolloutGateSample.fold(devices: ["dev-0", "dev-1"], reports: leaking, hours: 0.5)
        XCTAssertEqual(folded.memoryP95Bytes, 140_000_000)
        XCTAssertEqual(folded.deviceHours, 1)
        var wave = RolloutFixtures.sample(devices: 4, succeeded: 4)
        wave.memoryP95Bytes = 140_000_000
        var control = RolloutFixtures.sample(devices: 10, prefix: "ctl")
        control.memoryP95Bytes = 52_000_000
        let failed = health(wave: wave, control: control)
        XCTAssertEqual(failed.verdict, .fail, failed.reason)
        XCTAssertTrue(failed.reason.hasPrefix("memory failed: RSS p95 133.514 MiB against the control's 49.591 MiB"), failed.reason)
        // A version that declares that much more arena and weights (held beside the champion's in probation) is not a leak.
        var declared = wave
        declared.expectedMemoryIncreaseBytes = 90_000_000
        let expected = health(wave: declared, control: control)
        XCTAssertEqual(expected.verdict, .pass, expected.reason)
        XCTAssertTrue(expected.reason.contains("less the version's own 85.831 MiB"), expected.reason)
        // Boards that always took more memory (the same devices before the wave) are not a leak.
        var waveBefore = RolloutFixtures.sample(devices: 4), controlBefore = RolloutFixtures.sample(devices: 10, prefix: "ctl")
        waveBefore.memoryP95Bytes = 130_000_000
        controlBefore.memoryP95Bytes = 50_000_000
        let boards = health(wave: wave, control: control, before: (waveBefore, controlBefore))
        XCTAssertEqual(boards.verdict, .pass, boards.reason)
        waveBefore.memoryP95Bytes = 60_000_000
        let leak = health(wave: wave, control: control, before: (waveBefore, controlBefore))
        XCTAssertEqual(leak.verdict, .fail, leak.reason)
        XCTAssertTrue(leak.reason.contains("before the wave 57.22 MiB"), leak.reason)
    }

    func testHealthPassesWithEverySignalNamedAndTheLimitsDecode() throws {
        var wave = RolloutFixtures.sample(devices: 4, succeeded: 4), control = RolloutFixtures.sample(devices: 10, prefix: "ctl")
        wave.deviceHours = 1
        control.deviceHours = 2.5
        wave.memoryP95Bytes = 50_000_000
        control.memoryP95Bytes = 50_000_000
        let passed = health(wave: wave, control: control)
        XCTAssertEqual(passed.verdict, .pass, passed.reason)
        for signal in ["restarts:", "throttling:", "memory:", "temperature:"] { XCTAssertTrue(passed.reason.contains(signal), passed.reason) }
        let decoded = try JSONDecoder().decode(RolloutGatePolicy.self, from: Data("""
            {"maximumRestartRateIncrease": 3, "maximumThrottledShareIncrease": 0.2, "maximumMemoryIncrease": 0.5}
            """.utf8))
        XCTAssertEqual(decoded.maximumRestartRateIncrease, 3)
        XCTAssertEqual(decoded.maximumThrottledShareIncrease, 0.2)
        XCTAssertEqual(decoded.maximumMemoryIncrease, 0.5)
        XCTAssertEqual(RolloutGatePolicy().maximumRestartRateIncrease, 1)
        XCTAssertEqual(RolloutGatePolicy().maximumThrottledShareIncrease, 0.1)
        XCTAssertEqual(RolloutGatePolicy().maximumMemoryIncrease, 0.25)
        XCTAssertThrowsError(try RolloutGatePolicy(maximumThrottledShareIncrease: 2).validate())
    }

    func testRestartsAreBirthsOfAProcessStartedInThePeriod() {
        func birth(_ device: String, at time: Int64, startedAt: Int64?) -> EventRecord {
            EventRecord(id: time, source: "device", deviceID: device, model: nil, name: "agent.birth", time: time, receivedAt: time, assignmentID: nil,
                        phase: nil, details: startedAt.map { ["startedAt": "\($0)"] } ?? [:], error: nil, update: nil)
        }
        let births = [birth("a", at: 1_500, startedAt: 1_400),   // restarted in the period
                      birth("a", at: 1_600, startedAt: 1_400),   // the same process reconnecting
                      birth("b", at: 1_700, startedAt: 200),     // a reconnection of a process started before
                      birth("c", at: 1_800, startedAt: 1_790),   // not in the group
                      birth("a", at: 2_500, startedAt: 2_450)]   // after the period
        XCTAssertEqual(RolloutEngine.restarts(births, devices: ["a", "b"], range: TimeRange(from: 1_000, to: 2_000)), 1)
    }
}
