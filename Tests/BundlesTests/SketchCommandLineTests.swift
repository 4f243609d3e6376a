import Bundles
import Foundation
import TestSupport
import XCTest

/// `edgectl bundle build --baseline DIR --embedding-tensor …` and `edgectl bench --sketch`, run as a process.
final class SketchCommandLineTests: XCTestCase {
    private var edgectl: String!
    private var work: String!

    override func setUpWithError() throws {
        edgectl = try ProductProcess.path("edgectl")
        work = try Fixtures.temporaryDirectory(self)
    }

    @discardableResult
    private func run(_ arguments: [String], expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: edgectl)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, status, "edgectl \(arguments.joined(separator: " "))\n\(output)", file: file, line: line)
        return output
    }

    func testBuildFromAFolderOfTensorsWithAnEmbeddingThenBenchItsSketches() throws {
        let metadata = """
            {"name":"kws","version":"1.0.0","releaseCounter":1,"createdAt":1764000000,"preprocessing":"MFCC 49x10",
             "lineage":{"datasetSnapshotSHA256":"\(String(repeating: "cd", count: 32))","codeVersion":"git:1234","evaluation":{"metrics":{}}}}
            """
        try metadata.write(toFile: "\(work!)/meta.json", atomically: true, encoding: .utf8)
        let model = "\(Fixtures.conformance)/kws_ref_model/model.tflite"
        // The fixture folder itself: case-K.in-0.bin are inputs, the case-K.ref-0.bin outputs are skipped.
        let bundle = "\(work!)/kws.efb"
        try run(["bundle", "build", "--model", model, "--metadata", "\(work!)/meta.json", "--baseline", "\(Fixtures.conformance)/kws_ref_model",
                 "--embedding-tensor", "functional_1/flatten/Reshape", "--embedding-k", "12", "--bins", "4", "-o", bundle])
        let inspect = try run(["bundle", "inspect", bundle])
        XCTAssertTrue(inspect.contains("input statistics: 1 channels, 4 statistics on quantile bins"), inspect)
        XCTAssertTrue(inspect.contains("embedding: functional_1/flatten/Reshape (#32, 64 values) projected to 12"), inspect)
        let baseline = try DriftBaseline.decode(try BundleFile(parsing: try FileIO.read(bundle)).baselineBytes)
        let inputs = try FileManager.default.contentsOfDirectory(atPath: "\(Fixtures.conformance)/kws_ref_model").filter { $0.hasSuffix(".in-0.bin") }
        XCTAssertEqual(baseline.sampleCount, inputs.count)
        XCTAssertEqual(baseline.allFeatures.map(\.name), ["input.c0.mean", "input.c0.std", "input.saturated", "input.energy"] + (0..<12).map { "embedding.\($0)" })

        let bench = try run(["bench", model, "--sketch", bundle, "--iterations", "5", "--warmup", "1"])
        XCTAssertTrue(bench.contains("sketches: 16 statistics (4 input, 12 embedding of 64 values)"), bench)
        XCTAssertTrue(bench.contains("overhead: "), bench)
        XCTAssertFalse(bench.contains("warning"), bench)
        // The bundle's embedding names a tensor of kws: another model is refused by name.
        XCTAssertTrue(try run(["bench", "\(Fixtures.conformance)/ad01_int8/model.tflite", "--sketch", bundle], expect: 1)
            .contains("is not tensor 32"))

        // A folder with a tensor of the wrong size: one line naming the sample, no crash.
        let folder = "\(work!)/tensors"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(try FileIO.read("\(Fixtures.conformance)/kws_ref_model/case-0.in-0.bin")).write(to: URL(fileURLWithPath: "\(folder)/a.bin"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(folder)/b.bin"))
        let error = try run(["bundle", "build", "--model", model, "--metadata", "\(work!)/meta.json", "--baseline", folder, "-o", "\(work!)/bad.efb"], expect: 1)
        XCTAssertTrue(error.contains("baseline tensor 2 has 3 bytes"), error)
        let empty = "\(work!)/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        XCTAssertTrue(try run(["bundle", "build", "--model", model, "--metadata", "\(work!)/meta.json", "--baseline", empty, "-o", "\(work!)/bad.efb"], expect: 1)
            .contains("holds no *.bin input tensors"))
    }
}
