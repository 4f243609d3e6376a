import Bundles
import Foundation
import XCTest

/// Paths, temporary directories, keys and bundles shared by the bundle tests.
enum Fixtures {
    /// The repository root: three levels up from Tests/BundlesTests/Fixtures.swift.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let conformance = "\(repositoryRoot)/Tests/Fixtures/conformance"
    static let profiles = "\(repositoryRoot)/firmware-profiles"

    /// Every conformance model folder name, sorted.
    static func conformanceModels() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: conformance)
            .filter { FileManager.default.fileExists(atPath: "\(conformance)/\($0)/model.tflite") }
            .sorted()
    }

    static func modelBytes(_ name: String) throws -> [UInt8] {
        try FileIO.read("\(conformance)/\(name)/model.tflite")
    }

    /// A fresh directory under the system temporary directory, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("bundles-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// The tensor descriptions in a fixture's cases.json.
    static func schemas(_ name: String) throws -> (inputs: [TensorSchema], outputs: [TensorSchema]) {
        struct Cases: Decodable {
            struct Tensor: Decodable { var name: String; var shape: [Int]; var dtype: String; var scale: Float; var zero_point: Int32 }
            var inputs: [Tensor]
            var outputs: [Tensor]
        }
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: URL(fileURLWithPath: "\(conformance)/\(name)/cases.json")))
        func schema(_ t: Cases.Tensor) -> TensorSchema {
            TensorSchema(name: t.name, shape: t.shape, dtype: t.dtype, scale: t.scale, zeroPoint: t.zero_point)
        }
        return (cases.inputs.map(schema), cases.outputs.map(schema))
    }

    static let now: Int64 = 1_764_000_000
    static let year: Int64 = 365 * 24 * 3600

    static func metadata(name: String = "anomaly-detector", counter: UInt64 = 5, requiredFeatures: [String]? = nil) -> BundleMetadata {
        BundleMetadata(
            name: name, version: "1.2.0", releaseCounter: counter, createdAt: now,
            preprocessing: "log-mel features, 5 frames x 128 bins, quantised with the input scale",
            lineage: Lineage(parentVersion: "1.1.0", datasetSnapshotSHA256: String(repeating: "ab", count: 32),
                             codeVersion: "git:0123abc",
                             evaluation: EvaluationReport(metrics: ["auc": 0.87], notes: "ToyADMOS validation split")),
            requiredFeatures: requiredFeatures)
    }

    /// A small CSV of summary features with a prediction column: no model run needed.
    static func baselineCSV(rows: Int = 40, classes: Int) -> [UInt8] {
        var text = "energy,peak,prediction\n"
        for row in 0..<rows {
            text += "\(Double(row) * 0.25),\(Double(row % 7) - 3),\(row % classes)\n"
        }
        return Array(text.utf8)
    }

    /// Requirements stated for format tests, where the runtime's figures do not matter.
    static func statedAnalysis(_ name: String, operators: [String] = ["FULLY_CONNECTED"], arena: Int = 4096,
                               weights: Int = 200_000, macs: Int = 270_000) throws -> ModelAnalysis {
        let (inputs, outputs) = try schemas(name)
        return ModelAnalysis(operators: operators, unsupportedOperators: [], arenaBytes: arena, weightsBytes: weights,
                             macs: macs, inputs: inputs, outputs: outputs)
    }

    /// An unsigned bundle of a conformance model with stated requirements and the fixture's golden cases.
    static func assemble(_ name: String, analysis: ModelAnalysis? = nil, metadata: BundleMetadata? = nil,
                         goldenLimit: Int = 2) throws -> BundleFile {
        let analysis = try analysis ?? statedAnalysis(name)
        let classes = analysis.outputs[0].shape.last ?? 1
        let table = try BaselineTable(csv: baselineCSV(classes: classes))
        let predictions = try table.numbers(in: "prediction").map { Int($0) }
        let baseline = try DriftBaseline.build(table: table, featureColumns: ["energy", "peak"], predictions: predictions,
                                               classCount: classes, predictionSource: "column", bins: 8)
        let golden = try GoldenSet.load(directory: "\(conformance)/\(name)", inputCount: analysis.inputs.count,
                                        outputCount: analysis.outputs.count, limit: goldenLimit, reference: nil)
        return try BundleBuilder.assemble(modelBytes: modelBytes(name), metadata: metadata ?? self.metadata(),
                                          labels: [], analysis: analysis, baseline: baseline, golden: golden)
    }

    /// A key directory with its trust store pinned to its root and the current trust file accepted.
    static func keys(_ test: XCTestCase) throws -> (KeyDirectory, TrustStore) {
        let directory = try KeyDirectory.initialize(at: "\(temporaryDirectory(test))/keys", now: now, releaseValidity: year)
        return (directory, try store(for: directory))
    }

    static func store(for directory: KeyDirectory) throws -> TrustStore {
        var store = TrustStore(pinnedRoot: try directory.rootPublicKey())
        try store.accept(try directory.trustFile())
        return store
    }

    static func verifier(_ store: TrustStore, at time: Int64 = now + 3600, floor: UInt64 = 0,
                         profile: FirmwareProfile? = nil) -> BundleVerifier {
        BundleVerifier(trust: store, time: .known(secondsSince1970: time), floor: floor, profile: profile)
    }
}

/// Asserts that `body` throws a BundleError with `code`, and returns the error for further checks.
@discardableResult
func XCTAssertBundleError<T>(_ code: BundleError.Code, _ body: @autoclosure () throws -> T,
                             file: StaticString = #filePath, line: UInt = #line) -> BundleError? {
    do {
        _ = try body()
        XCTFail("expected \(code), but it succeeded", file: file, line: line)
    } catch let error as BundleError {
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        XCTAssertFalse(error.message.isEmpty, file: file, line: line)
        return error
    } catch {
        XCTFail("expected BundleError \(code), got \(error)", file: file, line: line)
    }
    return nil
}
