import Bundles
import XCTest

final class BaselineTests: XCTestCase {
    func testCSVParsingHandlesQuotesAndCRLF() throws {
        let table = try BaselineTable(csv: Array("a,\"b, quoted\",c\r\n1,2,\"3\"\r\n\r\n4,5,6\n".utf8))
        XCTAssertEqual(table.columns, ["a", "b, quoted", "c"])
        XCTAssertEqual(table.rows, [["1", "2", "3"], ["4", "5", "6"]])
        XCTAssertEqual(try table.numbers(in: "c"), [3, 6])
    }

    func testBadCSVIsNamed() {
        XCTAssertBundleError(.invalidInput, try BaselineTable(csv: []))
        XCTAssertBundleError(.invalidInput, try BaselineTable(csv: Array("a,b\n1\n".utf8)))
        XCTAssertBundleError(.invalidInput, try BaselineTable(csv: Array("a,a\n1,2\n".utf8)))
        XCTAssertBundleError(.invalidInput, try BaselineTable(csv: Array("a\n\"1\n".utf8)))
        XCTAssertBundleError(.invalidInput, try BaselineTable(csv: Array("a\nx\n".utf8)).numbers(in: "a"))
    }

    func testHistogramsUseEqualWidthBinsAndOpenOuterBins() throws {
        let table = try BaselineTable(csv: Array("x,prediction\n0,0\n1,1\n2,1\n3,2\n4,1\n".utf8))
        let baseline = try DriftBaseline.build(table: table, featureColumns: ["x"], predictions: [0, 1, 1, 2, 1], classCount: 3,
                                               predictionSource: "column", bins: 4)
        let histogram = baseline.features[0]
        XCTAssertEqual(histogram.edges, [0, 1, 2, 3, 4])
        XCTAssertEqual(histogram.counts, [1, 1, 1, 2])
        XCTAssertEqual(baseline.predictions.counts, [1, 3, 1])
        XCTAssertEqual(baseline.sampleCount, 5)
        // Devices sketch live values on the same bins: outliers land in the outer bins, NaN nowhere.
        XCTAssertEqual(histogram.binIndex(for: -100), 0)
        XCTAssertEqual(histogram.binIndex(for: 100), 3)
        XCTAssertEqual(histogram.binIndex(for: 2.5), 2)
        XCTAssertNil(histogram.binIndex(for: .nan))
        XCTAssertEqual(try DriftBaseline.decode(baseline.encoded()), baseline)
    }

    func testConstantFeatureGetsAUsableRange() throws {
        let table = try BaselineTable(csv: Array("x\n7\n7\n".utf8))
        let baseline = try DriftBaseline.build(table: table, featureColumns: ["x"], predictions: [], classCount: 2,
                                               predictionSource: "column", bins: 2)
        XCTAssertEqual(baseline.features[0].edges, [6.5, 7, 7.5])
        XCTAssertEqual(baseline.features[0].counts, [0, 2])
    }

    func testSemanticVersions() throws {
        XCTAssertEqual(try SemanticVersion("1.4.0").description, "1.4.0")
        XCTAssertEqual(try SemanticVersion("2.0.0-rc.1+sha.5114f85").preRelease, "rc.1")
        for bad in ["1.4", "01.2.3", "1.2.3-", "v1.2.3", "1.2.3.4", ""] {
            XCTAssertBundleError(.invalidInput, try SemanticVersion(bad))
        }
    }
}
