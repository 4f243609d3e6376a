import Drift
import XCTest

/// Each statistic against values computed by hand.
final class DriftStatisticsTests: XCTestCase {
    func testPSI() {
        // (0.25 − 0.5)·ln(0.5) + (0.75 − 0.5)·ln(1.5)
        XCTAssertEqual(DriftStatistics.psi(baseline: [50, 50], current: [25, 75]), 0.25 * log(2) + 0.25 * log(1.5), accuracy: 1e-12)
        XCTAssertEqual(DriftStatistics.psi(baseline: [10, 20, 30], current: [1, 2, 3]), 0, accuracy: 1e-15)
        // An empty current bin uses ε = 1e-4: (1e-4 − 0.5)·ln(1e-4/0.5) + (0.9999 − 0.5)·ln(0.9999/0.5).
        let expected = (1e-4 - 0.5) * log(1e-4 / 0.5) + (1 - 0.5) * log(1 / 0.5)
        XCTAssertEqual(DriftStatistics.psi(baseline: [5, 5], current: [0, 10]), expected, accuracy: 1e-3)
        XCTAssertTrue(DriftStatistics.psi(baseline: [5, 5], current: [0, 10]).isFinite)
    }

    func testJensenShannon() {
        XCTAssertEqual(DriftStatistics.jensenShannonDistance(baseline: [3, 7], current: [30, 70]), 0, accuracy: 1e-12)
        XCTAssertEqual(DriftStatistics.jensenShannonDistance(baseline: [1, 0], current: [0, 1]), 1, accuracy: 1e-12)
        // p = (1/2, 1/2), q = (1, 0): m = (3/4, 1/4); JSD = ½[½log₂(2/3) + ½log₂2] + ½log₂(4/3).
        let jsd = 0.5 * (0.5 * log2(0.5 / 0.75) + 0.5 * log2(0.5 / 0.25)) + 0.5 * log2(1 / 0.75)
        XCTAssertEqual(DriftStatistics.jensenShannonDivergence(baseline: [1, 1], current: [2, 0]), jsd, accuracy: 1e-12)
        XCTAssertEqual(DriftStatistics.jensenShannonDistance(baseline: [1, 1], current: [2, 0]), jsd.squareRoot(), accuracy: 1e-12)
    }

    func testWassersteinOnBinCentres() {
        XCTAssertEqual(DriftStatistics.wasserstein(baseline: [1, 0, 0], current: [0, 0, 1], centres: [0, 1, 2], standardDeviation: 1), 2, accuracy: 1e-12)
        // Half the mass moves 10 units, over σ = 5.
        XCTAssertEqual(DriftStatistics.wasserstein(baseline: [1, 1], current: [0, 2], centres: [0, 10], standardDeviation: 5), 1, accuracy: 1e-12)
        XCTAssertEqual(DriftStatistics.wasserstein(baseline: [2, 4, 2], current: [1, 2, 1], centres: [0, 1, 5], standardDeviation: 1), 0, accuracy: 1e-12)
    }

    func testChiSquareHomogeneity() {
        // 2×2 table [[10, 20], [30, 40]]: expected 12, 18, 28, 42.
        let result = DriftStatistics.chiSquareHomogeneity(baseline: [10, 20], current: [30, 40])
        // Term by term: Swift 6.2.3 (the aarch64 cross toolchain) gives up type-checking the four-term literal sum.
        let terms: [Double] = [4.0 / 12, 4.0 / 18, 4.0 / 28, 4.0 / 42]
        let expected = terms.reduce(0, +)
        XCTAssertEqual(result.statistic, expected, accuracy: 1e-12)
        XCTAssertEqual(result.degreesOfFreedom, 1)
        XCTAssertEqual(result.pValue, 0.372_998, accuracy: 1e-5)
        // Bins empty in both are dropped from the degrees of freedom.
        XCTAssertEqual(DriftStatistics.chiSquareHomogeneity(baseline: [10, 0, 20], current: [30, 0, 40]).degreesOfFreedom, 1)
        XCTAssertEqual(DriftStatistics.chiSquareHomogeneity(baseline: [10, 0], current: [30, 0]).pValue, 1)
    }

    func testChiSquareGoodnessOfFit() {
        // Expected 25, 25, 50 → χ² = 1 + 1 + 0 = 2 with 2 df → p = e^{−1}.
        let result = DriftStatistics.chiSquareGoodnessOfFit(baseline: [1, 1, 2], current: [30, 20, 50])
        XCTAssertEqual(result.statistic, 2, accuracy: 1e-12)
        XCTAssertEqual(result.degreesOfFreedom, 2)
        XCTAssertEqual(result.pValue, exp(-1), accuracy: 1e-12)
        // A bin the baseline never saw: finite, and overwhelming evidence.
        let unseen = DriftStatistics.chiSquareGoodnessOfFit(baseline: [10, 10, 0], current: [5, 5, 5])
        XCTAssertTrue(unseen.statistic.isFinite)
        XCTAssertLessThan(unseen.pValue, 1e-10)
    }

    func testBenjaminiHochberg() {
        for (a, b) in zip(MultipleTesting.benjaminiHochberg([0.01, 0.04, 0.03, 0.005]), [0.02, 0.04, 0.04, 0.02]) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        // R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") is 0.05 everywhere.
        for value in MultipleTesting.benjaminiHochberg([0.01, 0.02, 0.03, 0.04, 0.05]) { XCTAssertEqual(value, 0.05, accuracy: 1e-15) }
        XCTAssertEqual(MultipleTesting.benjaminiHochberg([0.9, 0.8]), [0.9, 0.9])
        XCTAssertEqual(MultipleTesting.benjaminiHochberg([]), [])
        XCTAssertEqual(MultipleTesting.benjaminiHochberg([0.6, 0.7, 0.8]).max()!, 0.8, accuracy: 1e-15)
    }

    func testNoiseAllowancesShrinkWithTheWindow() {
        let small = DriftStatistics.psiAllowance(bins: 10, baselineCount: 5000, currentCount: 200, quantile: 0.99)
        let large = DriftStatistics.psiAllowance(bins: 10, baselineCount: 5000, currentCount: 20000, quantile: 0.99)
        // χ²₉(0.99) = 21.666 times (1/200 + 1/5000).
        XCTAssertEqual(small, 21.666 * (1.0 / 200 + 1.0 / 5000), accuracy: 1e-3)
        XCTAssertLessThan(large, small / 10)
        let counts = [Double](repeating: 100, count: 10)
        let centres = (0..<10).map(Double.init)
        let w200 = DriftStatistics.wassersteinNoise(baseline: counts, centres: centres, standardDeviation: 1, baselineCount: 5000, currentCount: 200)
        let w20000 = DriftStatistics.wassersteinNoise(baseline: counts, centres: centres, standardDeviation: 1, baselineCount: 5000, currentCount: 20000)
        XCTAssertGreaterThan(w200, 2 * w20000)
    }
}
