import Bundles
import Collector
import Drift
import FleetProtocol
import XCTest

/// The collector's drift computation as a pure function: attribution, alarms with hysteresis, skipped devices.
final class DriftEvaluationTests: XCTestCase {
    /// Ten bins over 0…10 with a bell-shaped baseline of 10,000 rows, and three predicted classes.
    let baseline = DriftBaseline(
        sampleCount: 10_000,
        features: ["vibration", "temperature"].map { FeatureHistogram(name: $0, edges: (0...10).map(Double.init),
                                                                      counts: [100, 400, 800, 1500, 2200, 2200, 1500, 800, 400, 100]) },
        predictions: ClassDistribution(counts: [6000, 3000, 1000], source: "baseline"))

    /// Counts of `rows` on the baseline's shape, shifted right by `shift` bins (0: no drift).
    func counts(rows: Int, shift: Int = 0, stuckBin: Int? = nil) -> [UInt64] {
        let shape: [Double] = [100, 400, 800, 1500, 2200, 2200, 1500, 800, 400, 100]
        var result = [UInt64](repeating: 0, count: 10)
        if let stuckBin {
            result[stuckBin] = UInt64(rows)
            return result
        }
        for (bin, weight) in shape.enumerated() {
            result[min(9, bin + shift)] += UInt64((weight / 10_000 * Double(rows)).rounded())
        }
        return result
    }

    func window(_ id: String, profile: String, vibration: [UInt64], rows: Int = 2000) -> DriftWindowInput {
        DriftWindowInput(deviceID: id, cohorts: ["profile": profile, "version": "1.0.0"],
                         features: [FeatureCounts(name: "vibration", counts: vibration), FeatureCounts(name: "temperature", counts: counts(rows: rows))],
                         predictions: [UInt64(rows * 6 / 10), UInt64(rows * 3 / 10), UInt64(rows / 10)])
    }

    func evaluate(_ windows: [DriftWindowInput], state: [String: DriftHysteresis] = [:]) throws -> DriftEvaluation.Outcome {
        try DriftEvaluation.evaluate(model: "vib", version: "1.0.0", digest: "d", baseline: baseline, windows: windows, policy: DriftPolicy(),
                                     hysteresis: state, computedAt: 0, window: TimeRange(from: 0, to: 3_600_000), trigger: "test")
    }

    func testAStuckSensorOnOneDeviceIsADeviceAnomaly() throws {
        var windows = (0..<6).map { window("a\($0)", profile: "pi4", vibration: counts(rows: 2000)) }
        windows += (0..<6).map { window("b\($0)", profile: "pi5", vibration: counts(rows: 2000)) }
        windows[2] = window("a2", profile: "pi4", vibration: counts(rows: 2000, stuckBin: 0))
        let outcome = try evaluate(windows)
        let vibration = try XCTUnwrap(outcome.report.attribution.features.first { $0.feature == "vibration" })
        XCTAssertEqual(vibration.kind, .deviceAnomaly)
        XCTAssertEqual(vibration.anomalousDevices, ["a2"])
        XCTAssertEqual(outcome.report.alarms, ["vibration"])
        XCTAssertEqual(outcome.report.changes.first?.devices, ["a2"])
        let temperature = try XCTUnwrap(outcome.report.attribution.features.first { $0.feature == "temperature" })
        XCTAssertEqual(temperature.kind, .none)
    }

    func testACohortWideShiftIsCohortDrift() throws {
        let windows = (0..<6).map { window("a\($0)", profile: "pi4", vibration: counts(rows: 2000, shift: 2)) }
            + (0..<6).map { window("b\($0)", profile: "pi5", vibration: counts(rows: 2000)) }
        let outcome = try evaluate(windows)
        let vibration = try XCTUnwrap(outcome.report.attribution.features.first { $0.feature == "vibration" })
        XCTAssertEqual(vibration.kind, .cohortDrift)
        XCTAssertEqual(vibration.driftingCohorts.map(\.description), ["profile=pi4"])
        XCTAssertEqual(outcome.report.changes.map(\.cohorts), [["profile=pi4"]])
    }

    func testNoDriftRaisesNothingAndTooFewRowsIsInsufficient() throws {
        let quiet = try evaluate((0..<4).map { window("a\($0)", profile: "pi4", vibration: counts(rows: 2000)) })
        XCTAssertTrue(quiet.report.alarms.isEmpty)
        XCTAssertEqual(quiet.report.fleet.verdict, .noDrift)
        XCTAssertEqual(quiet.report.fleet.predictionVerdict, .noDrift)
        let sparse = try evaluate([window("a0", profile: "pi4", vibration: counts(rows: 20, shift: 3), rows: 20)])
        XCTAssertEqual(sparse.report.fleet.verdict, .insufficientData, "20 rows is never 'no drift' and never drift")
        XCTAssertTrue(sparse.report.alarms.isEmpty)
    }

    func testAlarmsHoldUntilCleanWindowsClearThem() throws {
        let drifted = (0..<4).map { window("a\($0)", profile: "pi4", vibration: counts(rows: 2000, shift: 2)) }
        let clean = (0..<4).map { window("a\($0)", profile: "pi4", vibration: counts(rows: 2000)) }
        var outcome = try evaluate(drifted)
        XCTAssertEqual(outcome.report.changes.map(\.raised), [true])
        var cleared = false
        for _ in 0..<DriftPolicy().clearWindows {
            XCTAssertFalse(cleared, "cleared before clearWindows clean windows")
            outcome = try evaluate(clean, state: outcome.hysteresis)
            cleared = outcome.report.changes.contains { !$0.raised }
        }
        XCTAssertTrue(cleared)
        XCTAssertTrue(outcome.report.alarms.isEmpty)
    }

    func testCountsOnOtherBinsSkipTheDevice() throws {
        var windows = (0..<3).map { window("a\($0)", profile: "pi4", vibration: counts(rows: 2000)) }
        windows.append(window("odd", profile: "pi4", vibration: [1, 2, 3]))
        let outcome = try evaluate(windows)
        XCTAssertEqual(outcome.report.devices, 3)
        XCTAssertEqual(outcome.report.skippedDevices.keys.sorted(), ["odd"])
    }

    /// A first window with only the drifting cohort reporting looks fleet-wide; once the rest of the fleet reports,
    /// the raised alarm moves to the cohort (a `drift.moved` event), without being raised again.
    func testARaisedAlarmMovesWhenTheAttributionSharpens() throws {
        let shifted = (0..<4).map { window("b\($0)", profile: "pi5", vibration: counts(rows: 2000, shift: 2)) }
        let first = try DriftEvaluation.evaluate(model: "vib", version: "1.0.0", digest: "d", baseline: baseline,
                                                 windows: shifted + [window("a0", profile: "pi4", vibration: counts(rows: 2000, shift: 2))],
                                                 policy: DriftPolicy(), hysteresis: [:], computedAt: 0, window: TimeRange(from: 0, to: 1),
                                                 trigger: "test")
        XCTAssertEqual(first.report.changes.first { $0.feature == "vibration" }?.kind, .fleetWide)
        let healthy = (0..<6).map { window("a\($0)", profile: "pi4", vibration: counts(rows: 2000)) }
        let second = try DriftEvaluation.evaluate(model: "vib", version: "1.0.0", digest: "d", baseline: baseline, windows: shifted + healthy,
                                                  policy: DriftPolicy(), hysteresis: first.hysteresis, computedAt: 1,
                                                  window: TimeRange(from: 0, to: 1), trigger: "test", previousReport: first.report)
        let moved = try XCTUnwrap(second.report.changes.first { $0.feature == "vibration" })
        XCTAssertTrue(moved.moved)
        XCTAssertTrue(moved.raised)
        XCTAssertEqual(moved.kind, .cohortDrift)
        XCTAssertEqual(moved.cohorts, ["profile=pi5"])
        let third = try DriftEvaluation.evaluate(model: "vib", version: "1.0.0", digest: "d", baseline: baseline, windows: shifted + healthy,
                                                 policy: DriftPolicy(), hysteresis: second.hysteresis, computedAt: 2,
                                                 window: TimeRange(from: 0, to: 1), trigger: "test", previousReport: second.report)
        XCTAssertTrue(third.report.changes.isEmpty, "nothing changed, nothing to say")
    }
}
