import Drift
import XCTest

/// The quality targets of docs/drift.md on seeded vibration scenarios (8 correlated log-normal band energies).
final class DriftQualityTests: XCTestCase {
    private let scenario = VibrationScenario()
    private lazy var baseline = scenario.columns(5000, seed: 1)
    /// The baseline's quantile histograms, built once (what a bundle stores and devices bin onto).
    private lazy var baselineHistograms = baseline.map { try! QuantileBinning.baselineHistogram(name: $0.name, values: $0.values, bins: 10) }

    /// A window counted on the baseline's bins, as a device would send it.
    private func window(_ rows: Int, seed: UInt64) -> [DriftHistogram] {
        let data = scenario.rows(rows, seed: seed)
        return baselineHistograms.enumerated().map { j, histogram in
            DriftHistogram(name: histogram.name, edges: [], counts: QuantileBinning.counts(data.map { $0[j] }, edges: histogram.edges))
        }
    }

    /// Window sizes log-spaced from 50 to 20,000 rows.
    static let controlSizes: [Int] = (0..<100).map { i in Int((50 * pow(400, Double(i) / 99)).rounded()) }

    func testNoFalseAlarmsOverOneHundredControls() throws {
        XCTAssertEqual(Self.controlSizes.first, 50)
        XCTAssertEqual(Self.controlSizes.last, 20_000)
        // With a minimum of 50 rows as well: the noise allowance, not only the minimum, keeps small windows quiet
        // (PSI's upward bias at 50 rows, ≈ 9/50 = 0.18 with 10 bins, would otherwise warn).
        var lowMinimum = DriftPolicy()
        lowMinimum.minimumSamples = 50
        var insufficient = 0
        for (i, size) in Self.controlSizes.enumerated() {
            let current = window(size, seed: 1000 + UInt64(i))
            let report = try DriftAnalyzer.compare(baseline: baselineHistograms, current: current)
            XCTAssertFalse(report.alarms, "control \(i), \(size) rows: \(report.features.map { "\($0.feature)=\($0.verdict)" })")
            if report.verdict == .insufficientData { insufficient += 1 }
            let low = try DriftAnalyzer.compare(baseline: baselineHistograms, current: current, policy: lowMinimum)
            XCTAssertFalse(low.alarms, "control \(i), \(size) rows, minimum 50")
            XCTAssertNotEqual(low.verdict, .insufficientData)
        }
        // The windows below 200 rows are insufficient, never "no drift".
        XCTAssertEqual(insufficient, Self.controlSizes.filter { $0 < 200 }.count)
    }

    func testEveryInjectionIsDetected() throws {
        let injections: [(String, DriftInjection.Kind)] = [
            ("mean shift 0.5σ", .meanShift(sigmas: 0.5)), ("mean shift 1σ", .meanShift(sigmas: 1)),
            ("doubled variance", .varianceChange(factor: 2)), ("stuck sensor", .stuck), ("gain ×1.1", .gain(factor: 1.1)),
            ("new operating mode", .newMode(share: 0.3, sigmas: 1.5)),
        ]
        for (name, kind) in injections {
            // On every feature at once, and on one feature with the others untouched.
            let all = try DriftAnalyzer.compare(baseline: baseline, current: scenario.columns(2000, seed: 77, injection: DriftInjection(kind)))
            XCTAssertEqual(all.verdict, .drift, name)
            for feature in all.features { XCTAssertEqual(feature.verdict, .drift, "\(name): \(feature.feature) score \(feature.score)") }
            for j in [0, 7] {
                let one = try DriftAnalyzer.compare(baseline: baseline, current: scenario.columns(2000, seed: 78, injection: DriftInjection(kind, features: [j])))
                for (k, feature) in one.features.enumerated() {
                    if k == j { XCTAssertEqual(feature.verdict, .drift, "\(name) on \(feature.feature)") }
                    else { XCTAssertNotEqual(feature.verdict, .drift, "\(name) on feature \(j) leaks to \(feature.feature)") }
                }
                XCTAssertEqual(one.verdict, .warning, name)
            }
        }
    }

    func testNegligibleShiftOnALargeWindowRaisesNoAlarm() throws {
        let report = try DriftAnalyzer.compare(baseline: scenario.columns(20_000, seed: 3),
                                               current: scenario.columns(20_000, seed: 4, injection: DriftInjection(.meanShift(sigmas: 0.03))))
        XCTAssertFalse(report.alarms, "\(report.features.map { "\($0.feature)=\($0.verdict)" })")
        XCTAssertEqual(report.verdict, .noDrift)
        // Significance alone would have alarmed: the effect-size rule is what keeps it quiet.
        XCTAssertTrue(report.features.contains { $0.adjustedPValue < 0.05 }, "\(report.features.map(\.adjustedPValue))")
    }
}
