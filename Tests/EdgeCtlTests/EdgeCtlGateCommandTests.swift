import Foundation
import TestSupport
import XCTest

/// `edgectl gate` as a real process: blessed (0), refused with reasons (1), bad input (2, one line on stderr).
final class EdgeCtlGateCommandTests: XCTestCase {
    /// Models trained once for the whole class by `edgectl train` (the gate judges what operators produce).
    nonisolated(unsafe) private static var dir: URL!

    private static let digits = "Tests/Fixtures/datasets/digits.csv"

    override class func setUp() {
        super.setUp()
        dir = try! Fixtures.temporaryDirectory("gate")
        train(["--hidden", "16", "--epochs", "40", "--patience", "5", "--seed", "1", "--no-refit"], to: "good.tflite")
        train(["--hidden", "16", "--epochs", "3", "--validation-fraction", "0", "--seed", "2", "--no-refit"], to: "weak.tflite")
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: dir)
        super.tearDown()
    }

    private static func train(_ options: [String], to name: String) {
        let result = try! ProductProcess.run("edgectl", ["train", "--data", digits, "--out", dir.appendingPathComponent(name).path] + options)
        precondition(result.status == 0, "edgectl train failed: \(result.stderr)")
    }

    private func path(_ name: String) -> String { Self.dir.appendingPathComponent(name).path }

    private func gate(_ arguments: String...) throws -> ProductProcess.Result {
        try ProductProcess.run("edgectl", ["gate"] + arguments)
    }

    private func write(_ text: String, _ name: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    func testGoodCandidateIsBlessed() throws {
        let result = try gate("--candidate", path("good.tflite"), "--champion", path("weak.tflite"), "--data", Self.digits,
                              "--test-every", "5", "--min-accuracy", "0.85", "--profile", "rpi-zero-2w", "--profile", "rpi-5-4gb",
                              "--champion-data", Self.digits)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("BLESSED\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("on 359 held-out rows"), result.stdout)
        XCTAssertTrue(result.stdout.contains("on the champion's evaluation set (1797 rows)"), result.stdout)
        for id in ["better_than_chance", "min_accuracy", "regression_accuracy", "regression_macro_f1", "forgetting_accuracy",
                   "int8_float_agreement", "runtime_support", "profile:rpi-zero-2w", "profile:rpi-5-4gb"] {
            let line = result.stdout.split(separator: "\n").first { $0.contains(" \(id) ") }
            XCTAssertEqual(line?.hasPrefix("pass"), true, "\(id): \(result.stdout)")
        }
        XCTAssertEqual(result.stderr, "")
    }

    func testWorseCandidateIsRefusedWithReasons() throws {
        let result = try gate("--candidate", path("weak.tflite"), "--champion", path("good.tflite"), "--data", Self.digits,
                              "--max-regression", "0.02")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let last = try XCTUnwrap(result.stdout.split(separator: "\n").last)
        XCTAssertTrue(last.hasPrefix("REFUSED: accuracy regressed vs champion \(path("good.tflite"))"), String(last))
        XCTAssertTrue(last.contains("allowed -0.0200"), String(last))
        XCTAssertTrue(last.contains("macro-F1 regressed"), String(last))
    }

    func testJSONReportFollowsTheSchema() throws {
        let result = try gate("--candidate", path("good.tflite"), "--data", Self.digits, "--test-every", "5", "--json",
                              "--profile", "rpi-3b-plus")
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        XCTAssertEqual(report["schema"] as? String, "edgefleet.gate.v1")
        XCTAssertEqual(report["blessed"] as? Bool, true)
        XCTAssertEqual(report["reasons"] as? [String], [])
        XCTAssertEqual(report["heldOutRows"] as? Int, 359)
        XCTAssertNil(report["champion"])
        let checks = try XCTUnwrap(report["checks"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: checks.map { ($0["id"] as! String, $0) })
        for id in ["regression_accuracy", "regression_macro_f1", "gain_accuracy", "forgetting_accuracy"] {
            XCTAssertEqual(byID[id]?["status"] as? String, "notApplicable", id)
        }
        XCTAssertEqual(byID["profile:rpi-3b-plus"]?["status"] as? String, "passed")
        XCTAssertEqual(byID["better_than_chance"]?["kind"] as? String, "value")
        let metrics = try XCTUnwrap(report["candidateMetrics"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(metrics["accuracy"] as? Double), 0.9)
        XCTAssertEqual((metrics["classRecall"] as? [String: Double])?.count, 10)
    }

    func testTinyArenaProfileRefuses() throws {
        var board = try String(contentsOf: Fixtures.root.appendingPathComponent("firmware-profiles/rpi-zero-2w.json"), encoding: .utf8)
        board = board.replacingOccurrences(of: "\"rpi-zero-2w\"", with: "\"tiny-arena\"")
            .replacingOccurrences(of: "\"arenaBytes\" : 25165824", with: "\"arenaBytes\" : 128")
        let profile = try write(board, "tiny-arena.json")
        let result = try gate("--candidate", path("good.tflite"), "--data", Self.digits, "--profile", profile)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("REFUSED: does not fit tiny-arena: arena of"), result.stdout)
        XCTAssertTrue(result.stdout.contains("exceeds tiny-arena's arena budget of 128 B"), result.stdout)
    }

    func testPolicyFileSetsThresholdsAndFlagsOverrideIt() throws {
        let policy = try write(#"{"minAccuracy": 0.999, "perClassRecallFloor": 0.5}"#, "policy.json")
        let strict = try gate("--candidate", path("good.tflite"), "--data", Self.digits, "--test-every", "5", "--policy", policy, "--json")
        XCTAssertEqual(strict.status, 1, strict.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(strict.stdout.utf8)) as? [String: Any])
        let used = try XCTUnwrap(report["policy"] as? [String: Any])
        XCTAssertEqual(used["minAccuracy"] as? Double, 0.999)
        XCTAssertEqual(used["perClassRecallFloor"] as? Double, 0.5)
        XCTAssertEqual(used["maxRegression"] as? Double, 0.01)
        XCTAssertTrue((report["reasons"] as? [String])?.first?.contains("is below the minimum 0.9990") == true, strict.stdout)

        let relaxed = try gate("--candidate", path("good.tflite"), "--data", Self.digits, "--test-every", "5", "--policy", policy, "--min-accuracy", "0.9")
        XCTAssertEqual(relaxed.status, 0, relaxed.stdout + relaxed.stderr)

        let typo = try write(#"{"minAcuracy": 0.9}"#, "typo.json")
        let refused = try gate("--candidate", path("good.tflite"), "--data", Self.digits, "--policy", typo)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("unknown gate policy field \"minAcuracy\""), refused.stderr)
    }

    func testBadInputExitsTwoWithOneLine() throws {
        let header = "a,b,label\n"
        let cases: [(String, String)] = [
            (header + "1,2,0\n3,,1\n", "line 3, column 2 (\"b\"): missing value"),
            (header + "1,2,0\n3,x,1\n", "line 3, column 2 (\"b\"): \"x\" is not a number"),
            (header + "1,nan,0\n", "line 2, column 2 (\"b\"): nan is NaN or infinite"),
            (header + "1,2,0\n3,4,1\n", "has 2 feature columns, but candidate \(path("good.tflite")) takes 64 values per input"),
            (header, "has no held-out rows"),
        ]
        for (index, (csv, expected)) in cases.enumerated() {
            let file = try write(csv, "bad-\(index).csv")
            let result = try gate("--candidate", path("good.tflite"), "--data", file)
            XCTAssertEqual(result.status, 2, "\(csv): \(result.stdout) \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), "\(expected) not in \(result.stderr)")
        }
        let others: [([String], String)] = [
            (["--candidate", path("missing.tflite"), "--data", Self.digits], "no such file"),
            (["--candidate", Self.digits, "--data", Self.digits], "not a valid .tflite model"),
            (["--candidate", path("good.tflite"), "--data", Self.digits, "--min-accuracy", "2"], "minimum accuracy must be within 0...1"),
            (["--candidate", path("good.tflite"), "--data", Self.digits, "--profile", "no-such-board"], "no firmware profile 'no-such-board'"),
            (["--candidate", path("good.tflite"), "--data", "Tests/Fixtures/datasets"], "is a directory"),
        ]
        for (arguments, expected) in others {
            let result = try ProductProcess.run("edgectl", ["gate"] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout) \(result.stderr)")
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), "\(expected) not in \(result.stderr)")
        }
    }
}
