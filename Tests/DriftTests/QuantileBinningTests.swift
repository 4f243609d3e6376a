import Drift
import FleetSupport
import XCTest

final class QuantileBinningTests: XCTestCase {
    func testEdgesAreOrderStatistics() throws {
        var random = SplitMix64(seed: 7)
        let values = (1...100).map(Double.init).shuffled(using: &random)
        XCTAssertEqual(try QuantileBinning.edges(values, bins: 10), [10, 20, 30, 40, 50, 60, 70, 80, 90])
    }

    func testTiesCollapseBins() throws {
        // Ranks ⌈k·10/5⌉ = 2, 4, 6, 8 → 1, 1, 1, 3: deduplicated to [1, 3].
        XCTAssertEqual(try QuantileBinning.edges([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], bins: 5), [1, 3])
        // A two-valued feature keeps one edge; the maximum is never an edge.
        XCTAssertEqual(try QuantileBinning.edges([0, 0, 0, 1, 1], bins: 10), [0])
        let histogram = try QuantileBinning.baselineHistogram(name: "x", values: [1, 1, 1, 1, 1, 1, 2, 3, 4, 5], bins: 5)
        XCTAssertEqual(histogram.counts, [6, 2, 2])
        XCTAssertTrue(histogram.counts.allSatisfy { $0 > 0 })
        XCTAssertEqual(histogram.centres ?? [], [1, 2.5, 4.5])
    }

    func testConstantFeatureIsRejected() {
        XCTAssertThrowsError(try QuantileBinning.edges([3, 3, 3, 3], bins: 10)) { error in
            XCTAssertEqual((error as? DriftError)?.code, .constantFeature)
        }
        XCTAssertThrowsError(try QuantileBinning.edges([1, .nan, 2], bins: 10)) { error in
            XCTAssertEqual((error as? DriftError)?.code, .nonFinite)
        }
        XCTAssertThrowsError(try QuantileBinning.edges([], bins: 10)) { error in
            XCTAssertEqual((error as? DriftError)?.code, .empty)
        }
    }

    func testBinsAreOpenBelowClosedAbove() {
        let edges = [10.0, 20]
        XCTAssertEqual(QuantileBinning.bin(of: -1e9, edges: edges), 0)
        XCTAssertEqual(QuantileBinning.bin(of: 10, edges: edges), 0)
        XCTAssertEqual(QuantileBinning.bin(of: 10.5, edges: edges), 1)
        XCTAssertEqual(QuantileBinning.bin(of: 20, edges: edges), 1)
        XCTAssertEqual(QuantileBinning.bin(of: 25, edges: edges), 2)
        XCTAssertEqual(QuantileBinning.counts([5, 10, 15, 20, 30, 40], edges: edges), [2, 2, 2])
    }

    func testEstimatesFromBinsWithoutRawRows() {
        let histogram = DriftHistogram(name: "x", edges: [0, 2, 4], counts: [1, 1, 1, 1])
        XCTAssertEqual(histogram.resolvedCentres, [-1, 1, 3, 5])
        // Centres −1, 1, 3, 5 equally weighted: mean 2, variance (9 + 1 + 1 + 9) / 4 = 5.
        XCTAssertEqual(histogram.resolvedStandardDeviation, 5.0.squareRoot(), accuracy: 1e-12)
    }
}
