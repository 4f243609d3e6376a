import Foundation
import TestSupport
import Training
import XCTest

/// `edgectl train` and `edgectl eval`, run as processes.
final class TrainCommandLineTests: XCTestCase {
    func testTrainThenEvalOnACSV() throws {
        let dir = try Fixtures.temporaryDirectory("training-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("blobs.csv").path
        try TestData.csv(TestData.blobs(classes: 3, features: 4, rows: 200, seed: 5)).write(toFile: csv, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("blobs.tflite").path
        let train = try ProductProcess.run("edgectl", ["train", "--data", csv, "--hidden", "8", "--epochs", "40", "--seed", "1", "--out", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("epoch"), train.stderr)
        XCTAssertTrue(train.stderr.contains("val acc"), train.stderr)
        XCTAssertTrue(train.stdout.contains("accuracy float"), train.stdout)
        XCTAssertTrue(train.stdout.contains("int8"), train.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: model))

        let eval = try ProductProcess.run("edgectl", ["eval", "--model", model, "--data", csv])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("precision"), eval.stdout)
        XCTAssertTrue(eval.stdout.contains("confusion matrix"), eval.stdout)
        let json = try ProductProcess.run("edgectl", ["eval", "--model", model, "--data", csv, "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let report = try JSONDecoder().decode(ClassificationReport.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(report.rows, 200)
        XCTAssertGreaterThan(report.accuracy, 0.9)
    }

    func testBadDataAndDivergenceWriteNoModel() throws {
        let dir = try Fixtures.temporaryDirectory("training-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.csv").path
        try "a,b,label\n1,2,0\n3,oops,1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("m.tflite").path
        let r = try ProductProcess.run("edgectl", ["train", "--data", bad, "--out", model])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("line 3, column 2 (\"b\"): \"oops\" is not a number"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: model))

        let csv = dir.appendingPathComponent("blobs.csv").path
        try TestData.csv(TestData.blobs(classes: 3, features: 4, rows: 100, seed: 5)).write(toFile: csv, atomically: true, encoding: .utf8)
        let diverged = try ProductProcess.run("edgectl", ["train", "--data", csv, "--learning-rate", "1e30", "--quiet", "--out", model])
        XCTAssertNotEqual(diverged.status, 0)
        XCTAssertTrue(diverged.stderr.contains("diverged"), diverged.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: model))
    }
}
