import Foundation
import TestSupport
import XCTest

/// `edgectl drift` and `edgectl drift-scenario` as real processes: good files, bad files, the JSON schema.
final class EdgeCtlDriftCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try Fixtures.temporaryDirectory("drift")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func edgectl(_ arguments: String...) throws -> ProductProcess.Result {
        try ProductProcess.run("edgectl", arguments)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func scenario(_ name: String, rows: Int, seed: Int, to file: String, _ extra: String...) throws {
        let result = try ProductProcess.run("edgectl", ["drift-scenario", "--scenario", name, "--rows", String(rows), "--seed", String(seed), "-o", path(file)] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    private func json(_ result: ProductProcess.Result) throws -> [String: Any] {
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    func testScenarioFilesAreSeededCSV() throws {
        try scenario("none", rows: 50, seed: 9, to: "a.csv")
        try scenario("none", rows: 50, seed: 9, to: "b.csv")
        let a = try String(contentsOfFile: path("a.csv"), encoding: .utf8)
        XCTAssertEqual(a, try String(contentsOfFile: path("b.csv"), encoding: .utf8))
        let lines = a.split(separator: "\n")
        XCTAssertEqual(lines.count, 51)
        XCTAssertEqual(lines[0].split(separator: ",").count, 8)
        XCTAssertTrue(lines[0].hasPrefix("band_0_50hz,"))
        let bad = try edgectl("drift-scenario", "--scenario", "earthquake", "-o", path("x.csv"))
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown --scenario earthquake"), bad.stderr)
    }

    /// `--label condition` appends the condition of the machine each row was drawn from: every class appears, and an
    /// injected change (a one-σ shift of every band) changes the features but not the machines, so the labels stay
    /// row for row those of the same seed without the change.
    func testLabelledScenariosCarryTheMachineCondition() throws {
        try scenario("none", rows: 2000, seed: 3, to: "train.csv", "--label", "condition")
        try scenario("mean-shift", rows: 2000, seed: 3, to: "shifted.csv", "--label", "condition", "--magnitude", "1")
        func conditions(_ file: String) throws -> [Substring: Int] {
            let lines = try String(contentsOfFile: path(file), encoding: .utf8).split(separator: "\n")
            XCTAssertTrue(lines[0].hasSuffix(",condition"), String(lines[0]))
            XCTAssertEqual(lines[1].split(separator: ",").count, 9)
            return lines.dropFirst().reduce(into: [:]) { $0[$1.split(separator: ",").last!, default: 0] += 1 }
        }
        let base = try conditions("train.csv"), shifted = try conditions("shifted.csv")
        XCTAssertEqual(Set(base.keys), ["normal", "imbalance", "misalignment", "bearing-wear"], "\(base)")
        XCTAssertEqual(shifted, base, "a drifting sensor does not change the machines' conditions")
        let clean = try String(contentsOfFile: path("train.csv"), encoding: .utf8).split(separator: "\n")
        let moved = try String(contentsOfFile: path("shifted.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(clean.dropFirst().map { $0.split(separator: ",").last! }, moved.dropFirst().map { $0.split(separator: ",").last! })
        XCTAssertNotEqual(clean[1], moved[1], "the features did change")
        let bad = try edgectl("drift-scenario", "--label", "band_0_50hz", "-o", path("x.csv"))
        XCTAssertNotEqual(bad.status, 0)
    }

    func testControlIsNoDriftAndStuckSensorIsDrift() throws {
        try scenario("none", rows: 3000, seed: 1, to: "base.csv")
        try scenario("none", rows: 1500, seed: 2, to: "control.csv")
        try scenario("stuck", rows: 1500, seed: 3, to: "stuck.csv", "--features", "2")
        let control = try json(edgectl("drift", "--baseline", path("base.csv"), "--current", path("control.csv"), "--json"))
        XCTAssertEqual(control["schema"] as? String, "edgefleet.drift.v1")
        XCTAssertEqual(control["verdict"] as? String, "no_drift")
        XCTAssertEqual(control["baseline_rows"] as? Int, 3000)
        XCTAssertEqual(control["current_rows"] as? Int, 1500)
        XCTAssertEqual(control["bins"] as? Int, 10)
        let features = try XCTUnwrap(control["features"] as? [[String: Any]])
        XCTAssertEqual(features.count, 8)
        for feature in features {
            for key in ["feature", "method", "statistic", "p_value", "p_value_adjusted", "verdict", "psi", "jensen_shannon", "wasserstein", "chi_square"] {
                XCTAssertNotNil(feature[key], key)
            }
            XCTAssertEqual(feature["verdict"] as? String, "no_drift")
        }

        let stuck = try json(edgectl("drift", "--baseline", path("base.csv"), "--current", path("stuck.csv"), "--json"))
        let verdicts = try XCTUnwrap(stuck["features"] as? [[String: Any]]).map { $0["verdict"] as? String }
        XCTAssertEqual(verdicts, ["no_drift", "no_drift", "drift", "no_drift", "no_drift", "no_drift", "no_drift", "no_drift"])
        XCTAssertEqual(stuck["verdict"] as? String, "warning")
        XCTAssertEqual(stuck["drifting_features"] as? Int, 1)

        let text = try edgectl("drift", "--baseline", path("base.csv"), "--current", path("stuck.csv"))
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("band_100_200hz"), text.stdout)
        XCTAssertTrue(text.stdout.contains("dataset: warning (1 of 8 features drifting"), text.stdout)
        XCTAssertTrue(text.stdout.contains("rows: baseline 3000, current 1500"), text.stdout)
    }

    func testSmallWindowIsInsufficient() throws {
        try scenario("none", rows: 1000, seed: 1, to: "base.csv")
        try scenario("mean-shift", rows: 20, seed: 2, to: "tiny.csv", "--magnitude", "3")
        let report = try json(edgectl("drift", "--baseline", path("base.csv"), "--current", path("tiny.csv"), "--json"))
        XCTAssertEqual(report["verdict"] as? String, "insufficient_data")
    }

    func testBadCSVsAreOneLineErrors() throws {
        try "a,b\n1,2\n3,4\n".write(toFile: path("base.csv"), atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("a,b\n1,2\n3,x\n", "line 3, column b: 'x' is not a number"),
            ("a,b\n1,2\n,4\n", "line 3, column a: missing value"),
            ("a,b\n1,2\n3\n", "line 3: 1 cells but the header has 2 columns"),
            ("a,b\n1,nan\n", "line 2, column b: 'nan' is not a finite number"),
            ("a\n1\n", "no column b"),
        ]
        for (index, (text, message)) in cases.enumerated() {
            let file = path("bad\(index).csv")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try edgectl("drift", "--baseline", path("base.csv"), "--current", file)
            XCTAssertNotEqual(result.status, 0, text)
            XCTAssertTrue(result.stderr.contains(file), result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "\(message) in \(result.stderr)")
            XCTAssertEqual(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count, 1, result.stderr)
            XCTAssertEqual(result.stdout, "")
        }
        let missing = try edgectl("drift", "--baseline", path("nope.csv"), "--current", path("base.csv"))
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("no such file"), missing.stderr)
    }

    func testConstantBaselineColumnIsRejectedNotFatal() throws {
        var base = "a,k\n", current = "a,k\n"
        for i in 0..<400 {
            base += "\(i % 97),5\n"
            current += "\((i * 7) % 97),6\n"
        }
        try base.write(toFile: path("base.csv"), atomically: true, encoding: .utf8)
        try current.write(toFile: path("cur.csv"), atomically: true, encoding: .utf8)
        let report = try json(edgectl("drift", "--baseline", path("base.csv"), "--current", path("cur.csv"), "--json"))
        let rejected = try XCTUnwrap(report["rejected"] as? [[String: Any]])
        XCTAssertEqual(rejected.first?["feature"] as? String, "k")
        XCTAssertEqual(rejected.first?["code"] as? String, "constant_feature")
        XCTAssertEqual((report["features"] as? [[String: Any]])?.count, 1)
    }
}
