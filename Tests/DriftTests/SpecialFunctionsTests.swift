import Drift
import XCTest

/// The chi-square distribution against tabulated values (NIST/SEMATECH e-Handbook, table 1.3.6.7.4) and closed forms.
final class SpecialFunctionsTests: XCTestCase {
    func testChiSquareSurvivalMatchesTables() {
        // (statistic, degrees of freedom, upper-tail probability)
        let table: [(Double, Double, Double)] = [
            (3.841, 1, 0.05), (6.635, 1, 0.01), (2.706, 1, 0.10), (5.991, 2, 0.05), (11.070, 5, 0.05),
            (18.307, 10, 0.05), (23.209, 10, 0.01), (16.919, 9, 0.05), (21.666, 9, 0.01), (124.342, 100, 0.05),
        ]
        for (x, df, p) in table {
            XCTAssertEqual(SpecialFunctions.chiSquareSurvival(x, degreesOfFreedom: df), p, accuracy: p * 2e-3, "χ²=\(x) df=\(df)")
        }
    }

    func testClosedForms() {
        // df 2: survival is exp(−x/2) exactly.
        for x in [0.1, 1, 2, 7.5, 40] {
            XCTAssertEqual(SpecialFunctions.chiSquareSurvival(x, degreesOfFreedom: 2), exp(-x / 2), accuracy: 1e-14 + 1e-12 * exp(-x / 2))
        }
        // P(1, x) = 1 − e^{−x}; Q(1/2, x) = erfc(√x).
        XCTAssertEqual(SpecialFunctions.regularizedGammaP(1, 0.7), 1 - exp(-0.7), accuracy: 1e-14)
        XCTAssertEqual(SpecialFunctions.regularizedGammaQ(0.5, 1), 0.157_299_207_050_285_1, accuracy: 1e-13)
        // A tiny tail keeps its relative precision: χ²=100, df=1 → erfc(√50).
        XCTAssertEqual(SpecialFunctions.chiSquareSurvival(100, degreesOfFreedom: 1), 1.523_970_604_832_105e-23, accuracy: 1e-30)
        XCTAssertEqual(SpecialFunctions.regularizedGammaP(3, 0), 0)
        XCTAssertEqual(SpecialFunctions.regularizedGammaQ(3, 0), 1)
    }

    func testQuantileInvertsTheTable() {
        XCTAssertEqual(SpecialFunctions.chiSquareQuantile(0.95, degreesOfFreedom: 10), 18.307, accuracy: 1e-3)
        XCTAssertEqual(SpecialFunctions.chiSquareQuantile(0.99, degreesOfFreedom: 9), 21.666, accuracy: 1e-3)
        XCTAssertEqual(SpecialFunctions.chiSquareQuantile(0.95, degreesOfFreedom: 1), 3.841, accuracy: 1e-3)
    }
}
