#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Drift
import XCTest

/// Verdicts, validation and the report's encoding.
final class DriftAnalyzerTests: XCTestCase {
    private let scenario = VibrationScenario()

    func testTwentyRowsAreInsufficientNeverNoDrift() throws {
        let report = try DriftAnalyzer.compare(baseline: scenario.columns(5000, seed: 1), current: scenario.columns(20, seed: 2))
        XCTAssertEqual(report.verdict, .insufficientData)
        XCTAssertEqual(report.features.count, 8)
        XCTAssertTrue(report.features.allSatisfy { $0.verdict == .insufficientData })
        XCTAssertEqual(report.currentRows, 20)
        // Even a flagrant change stays insufficient below the minimum.
        let stuck = try DriftAnalyzer.compare(baseline: scenario.columns(5000, seed: 1),
                                              current: scenario.columns(20, seed: 2, injection: DriftInjection(.stuck)))
        XCTAssertEqual(stuck.verdict, .insufficientData)
    }

    func testVerdictNeedsSignificanceAndEffect() throws {
        var policy = DriftPolicy()
        policy.minimumSamples = 10
        // Effect without significance: 12 observations, a big shift in proportions but a weak test.
        let baseline = [DriftHistogram(name: "x", edges: [0], counts: [500, 500])]
        let small = try DriftAnalyzer.compare(baseline: baseline, current: [DriftHistogram(name: "x", edges: [], counts: [4, 8])], policy: policy)
        XCTAssertGreaterThan(small.features[0].psi, 0.1)
        XCTAssertGreaterThan(small.features[0].adjustedPValue, 0.05)
        XCTAssertEqual(small.features[0].verdict, .noDrift)
        // Significance without effect: 100,000 observations, 50.6 % against 50 %.
        let large = try DriftAnalyzer.compare(baseline: [DriftHistogram(name: "x", edges: [0], counts: [500_000, 500_000])],
                                              current: [DriftHistogram(name: "x", edges: [], counts: [50_600, 49_400])], policy: policy)
        XCTAssertLessThan(large.features[0].adjustedPValue, 0.05)
        XCTAssertEqual(large.features[0].verdict, .noDrift)
        // Both: drift.
        let both = try DriftAnalyzer.compare(baseline: baseline, current: [DriftHistogram(name: "x", edges: [], counts: [200, 800])], policy: policy)
        XCTAssertEqual(both.features[0].verdict, .drift)
        XCTAssertEqual(both.verdict, .drift)
        XCTAssertEqual(both.driftShare, 1)
    }

    func testPredictionsAreReportedSeparately() throws {
        let baseline = scenario.columns(3000, seed: 1)
        var current = scenario.columns(3000, seed: 2)
        current[7].values = current[7].values.map { $0 * 3 }  // only the "prediction" column changes
        let report = try DriftAnalyzer.compare(baseline: baseline, current: current, predictions: [scenario.names[7]])
        XCTAssertEqual(report.features.count, 7)
        XCTAssertEqual(report.predictions.map(\.feature), [scenario.names[7]])
        XCTAssertEqual(report.predictionVerdict, .drift)
        XCTAssertEqual(report.verdict, .noDrift)
        XCTAssertTrue(report.alarms)
    }

    func testConstantBaselineIsRejectedAndCounted() throws {
        let baseline = [FeatureColumn(name: "a", values: (0..<500).map(Double.init)), FeatureColumn(name: "k", values: [Double](repeating: 1, count: 500))]
        let current = [FeatureColumn(name: "a", values: (0..<500).map(Double.init)), FeatureColumn(name: "k", values: [Double](repeating: 2, count: 500))]
        let report = try DriftAnalyzer.compare(baseline: baseline, current: current)
        XCTAssertEqual(report.features.map(\.feature), ["a"])
        XCTAssertEqual(report.rejected.map(\.feature), ["k"])
        XCTAssertEqual(report.rejected.first?.code, .constantFeature)
        // From histograms: all baseline mass in one bin.
        let histograms = try DriftAnalyzer.compare(baseline: [DriftHistogram(name: "k", edges: [0, 1], counts: [0, 300, 0])],
                                                   current: [DriftHistogram(name: "k", edges: [], counts: [0, 300, 0])])
        XCTAssertEqual(histograms.rejected.first?.code, .constantFeature)
        XCTAssertEqual(histograms.verdict, .insufficientData)
    }

    func testBadHistogramsAreClearErrors() {
        let baseline = [DriftHistogram(name: "x", edges: [0, 1], counts: [100, 100, 100])]
        func code(_ current: [DriftHistogram], baseline: [DriftHistogram]? = nil) -> DriftError.Code? {
            do {
                _ = try DriftAnalyzer.compare(baseline: baseline ?? [DriftHistogram(name: "x", edges: [0, 1], counts: [100, 100, 100])], current: current)
                return nil
            } catch let error as DriftError {
                XCTAssertFalse(error.message.isEmpty)
                return error.code
            } catch { return nil }
        }
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, 2])]), .binCountMismatch)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, -2, 3])]), .negativeCount)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, 2.5, 3])]), .nonIntegerCount)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, .nan, 3])]), .nonFinite)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, .infinity, 3])]), .nonFinite)
        XCTAssertEqual(code([DriftHistogram(name: "y", edges: [], counts: [1, 2, 3])]), .featureMismatch)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [0, 2], counts: [1, 2, 3])]), .binCountMismatch)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, 2, 3])],
                            baseline: [DriftHistogram(name: "x", edges: [1, 0], counts: [1, 2, 3])]), .edgesNotIncreasing)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, 2, 3])],
                            baseline: [DriftHistogram(name: "x", edges: [0, .nan], counts: [1, 2, 3])]), .nonFinite)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, 2, 3])],
                            baseline: [DriftHistogram(name: "x", edges: [0, 1], counts: [1, 2, 3], centres: [0, 2, 1])]), .edgesNotIncreasing)
        XCTAssertEqual(code([DriftHistogram(name: "x", edges: [], counts: [1, 2, 3]), DriftHistogram(name: "x", edges: [], counts: [1, 2, 3])]),
                       .featureMismatch)
        // Raw rows: a NaN in the current data, a missing column.
        XCTAssertThrowsError(try DriftAnalyzer.compare(baseline: [FeatureColumn(name: "a", values: [1, 2, 3])],
                                                       current: [FeatureColumn(name: "a", values: [1, .nan])])) { error in
            XCTAssertEqual((error as? DriftError)?.code, .nonFinite)
        }
        XCTAssertThrowsError(try DriftAnalyzer.compare(baseline: [FeatureColumn(name: "a", values: [1, 2, 3])], current: [])) { error in
            XCTAssertEqual((error as? DriftError)?.code, .featureMismatch)
        }
        var policy = DriftPolicy()
        policy.alpha = 2
        XCTAssertThrowsError(try DriftAnalyzer.compare(baseline: baseline, current: baseline, policy: policy)) { error in
            XCTAssertEqual((error as? DriftError)?.code, .invalidPolicy)
        }
    }

    func testEmptyCurrentWindowIsInsufficientWithoutDividingByZero() throws {
        let report = try DriftAnalyzer.compare(baseline: [DriftHistogram(name: "x", edges: [0, 1], counts: [100, 100, 100])],
                                               current: [DriftHistogram(name: "x", edges: [], counts: [0, 0, 0])])
        XCTAssertEqual(report.verdict, .insufficientData)
        XCTAssertTrue(report.features[0].psi.isFinite && report.features[0].wasserstein.isFinite)
    }

    func testPolicyDecodesPartialJSONWithDefaults() throws {
        let policy = try JSONDecoder().decode(DriftPolicy.self, from: Data(#"{"psi_drift": 0.3, "minimum_samples": 500, "effect_sizes": ["wasserstein"]}"#.utf8))
        XCTAssertEqual(policy.psiDrift, 0.3)
        XCTAssertEqual(policy.minimumSamples, 500)
        XCTAssertEqual(policy.effectSizes, [.wasserstein])
        XCTAssertEqual(policy.alpha, 0.05)
        XCTAssertEqual(policy.wassersteinDrift, 0.1)
        let roundTrip = try JSONDecoder().decode(DriftPolicy.self, from: JSONEncoder().encode(policy))
        XCTAssertEqual(roundTrip, policy)
    }

    func testReportRoundTripsThroughJSON() throws {
        let report = try DriftAnalyzer.compare(baseline: scenario.columns(2000, seed: 1),
                                               current: scenario.columns(1000, seed: 2, injection: DriftInjection(.gain(factor: 1.3))))
        let data = try JSONEncoder().encode(report)
        XCTAssertEqual(try JSONDecoder().decode(DriftReport.self, from: data), report)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""p_value_adjusted""#), text)
        XCTAssertTrue(text.contains(#""verdict":"drift""#), text)
    }

    func testCategoricalPredictionsUseNoWasserstein() throws {
        // Predicted classes (Bundles.ClassDistribution counts): class 2 grows from 10 % to 30 %.
        let baseline = [DriftHistogram.categorical(name: "prediction", counts: [450, 450, 100])]
        let current = [DriftHistogram(name: "prediction", edges: [], counts: [350, 350, 300])]
        let report = try DriftAnalyzer.compare(baseline: baseline, current: current, predictions: ["prediction"])
        let prediction = try XCTUnwrap(report.predictions.first)
        XCTAssertEqual(prediction.wasserstein, 0)
        XCTAssertNotEqual(prediction.method, .wasserstein)
        XCTAssertEqual(prediction.verdict, .drift)
        XCTAssertEqual(report.predictionVerdict, .drift)
        XCTAssertEqual(report.verdict, .insufficientData)  // no input features were compared
    }

    func testBundleBaselineLayoutConverts() throws {
        // Bundles.FeatureHistogram: 4 bounded edges for 3 bins.
        let histogram = DriftHistogram(name: "x", boundedEdges: [0, 1, 2, 4], counts: [10, 20, 30])
        XCTAssertEqual(histogram.edges, [1, 2])
        XCTAssertEqual(histogram.counts, [10, 20, 30])
        XCTAssertEqual(histogram.resolvedCentres, [0.5, 1.5, 3])
        XCTAssertNoThrow(try histogram.validate())
        let decoded = try JSONDecoder().decode(DriftHistogram.self, from: Data(#"{"name":"x","counts":[1,2]}"#.utf8))
        XCTAssertEqual(decoded.edges, [])
        XCTAssertFalse(decoded.isCategorical)
    }
}
