@testable import Collector
import XCTest

/// The gates between waves as pure functions: pass, fail and inconclusive, each with its reason.
final class RolloutGatesTests: XCTestCase {
    let policy = RolloutGatePolicy(minimumInferences: 100)

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
}
