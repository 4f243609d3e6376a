@testable import Collector
import XCTest

/// The dashboard's pure parts: device order, chart axes, number formatting.
final class DashboardTests: XCTestCase {
    func testDeviceIDsSortNaturally() {
        let ids = ["demo-sim-10", "demo-sim-2", "demo-sim-1", "pi-7", "demo-sim-002", "demo-sim-100", "demo-sim-9", "Demo", "demo-sim-2a",
                   "demo-sim-99999999999999999999999", "demo-sim-", "a1b10", "a1b9", "a01b9"]
        XCTAssertEqual(ids.sorted(by: NaturalOrder.areInIncreasingOrder), [
            "Demo", "a01b9", "a1b9", "a1b10", "demo-sim-", "demo-sim-1", "demo-sim-002", "demo-sim-2", "demo-sim-2a", "demo-sim-9", "demo-sim-10",
            "demo-sim-100", "demo-sim-99999999999999999999999", "pi-7",
        ])
        // A strict weak order: irreflexive, and distinct strings are never equivalent.
        for a in ids {
            XCTAssertFalse(NaturalOrder.areInIncreasingOrder(a, a))
            for b in ids where a != b {
                XCTAssertNotEqual(NaturalOrder.areInIncreasingOrder(a, b), NaturalOrder.areInIncreasingOrder(b, a), "\(a) vs \(b)")
            }
        }
    }

    func testCountAxesHaveWholeTicks() {
        for (maximum, step, top) in [(3.0, 1.0, 3.0), (1, 1, 1), (7, 2, 8), (41, 20, 60), (5000, 2000, 6000), (123_456, 50_000, 150_000)] {
            let axis = ChartAxis(maximum: maximum, integers: true)
            XCTAssertEqual(axis.step, step, "maximum \(maximum)")
            XCTAssertEqual(axis.top, top, "maximum \(maximum)")
            XCTAssertTrue(axis.ticks.allSatisfy { $0 == $0.rounded() })
        }
        XCTAssertEqual(ChartAxis(maximum: 3, integers: true).ticks.map(ChartAxis(maximum: 3, integers: true).label), ["0", "1", "2", "3"])
        let large = ChartAxis(maximum: 123_456, integers: true)
        XCTAssertEqual(large.ticks.map(large.label), ["0", "50k", "100k", "150k"])
        let thousands = ChartAxis(maximum: 5_000, integers: true)
        XCTAssertEqual(thousands.ticks.map(thousands.label), ["0", "2000", "4000", "6000"])
    }

    func testMeasurementAxesShowTheDigitsTheirStepNeeds() {
        let small = ChartAxis(maximum: 0.37, integers: false)
        XCTAssertEqual(small.ticks.map(small.label), ["0.0", "0.1", "0.2", "0.3", "0.4"])
        let milliseconds = ChartAxis(maximum: 12.6, integers: false)
        XCTAssertEqual(milliseconds.ticks.map(milliseconds.label), ["0", "5", "10", "15"])
        let fine = ChartAxis(maximum: 0.18, integers: false)
        XCTAssertEqual(fine.ticks.map(fine.label), ["0.00", "0.05", "0.10", "0.15", "0.20"])
        XCTAssertEqual(ChartAxis(maximum: 0, integers: false).top, 1)
    }

    func testClassChartLabelsItsTicksWithCounts() {
        let svg = SVGChart.bars(labels: ["yes", "no", "<unknown>"], values: [3, 1, 0], title: "classes")
        let ticks = svg.components(separatedBy: "<text class=\"axis tick\"").dropFirst().map { $0.split(separator: ">")[1].split(separator: "<")[0] }
        XCTAssertEqual(ticks, ["0", "1", "2", "3"])
        XCTAssertTrue(svg.contains("&lt;unknown&gt;"))
        XCTAssertTrue(svg.contains("yes: 3 (75.0 %)"))
    }

    func testDecimalFormatting() {
        XCTAssertEqual(DisplayFormat.decimal(1.25, digits: 1), "1.3")
        XCTAssertEqual(DisplayFormat.decimal(-0.04, digits: 1), "0.0")
        XCTAssertEqual(DisplayFormat.decimal(-2.5, digits: 2), "-2.50")
        XCTAssertEqual(DisplayFormat.decimal(0.9996, digits: 3), "1.000")
        XCTAssertEqual(DisplayFormat.decimal(42, digits: 0), "42")
        XCTAssertEqual(DisplayFormat.decimal(.nan, digits: 1), "—")
        XCTAssertEqual(DisplayFormat.bytes(1536), "1.5 KiB")
    }
}
