import Agent
import Bundles
import Foundation
import Logging
import TestSupport
import XCTest

/// Keys, signed bundles of the conformance models and configurations for the agent tests.
enum AgentFixtures {
    static let profiles = Fixtures.root.appendingPathComponent("firmware-profiles").path
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// A temporary directory removed when the test ends.
    static func directory(_ test: XCTestCase, _ name: String = "agent") throws -> String {
        let url = try Fixtures.temporaryDirectory(name)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// A key directory (root, one release key valid for a year, trust v1).
    static func keys(_ test: XCTestCase) throws -> KeyDirectory {
        try KeyDirectory.initialize(at: "\(try directory(test, "keys"))/keys", now: now - 60, releaseValidity: 365 * 86_400)
    }

    static func trustStore(_ keys: KeyDirectory) throws -> TrustStore {
        var store = TrustStore(pinnedRoot: try keys.rootPublicKey())
        try store.accept(try keys.trustFile())
        return store
    }

    static func verifier(_ keys: KeyDirectory) throws -> BundleVerifier {
        BundleVerifier(trust: try trustStore(keys), time: .systemClock(), floor: 0,
                       profile: try FirmwareProfile.load("rpi-4b-2gb", directory: profiles))
    }

    /// A signed bundle of a conformance model, golden cases from its fixture folder.
    ///
    /// With `featureBaseline` the baseline has one feature per input element (rows drawn at random in the
    /// input's range, predictions by the model), so the agent sketches drift per feature; otherwise two
    /// summary features and a prediction column.
    static func bundle(_ model: String = "kws_ref_model", name: String = "kws", version: String = "1.0.0", counter: UInt64 = 1,
                       keys: KeyDirectory, signer: SigningKey? = nil, featureBaseline: Bool = false,
                       corruptGolden: Bool = false) throws -> [UInt8] {
        let modelBytes = try Fixtures.bytes("\(model)/model.tflite")
        let analysis = try ModelAnalyzer.analyze(modelBytes)
        let input = analysis.inputs[0]
        let classes = analysis.outputs[0].shape.last ?? 1
        let csv: [UInt8]
        if featureBaseline, let elements = input.elementCount {
            var generator = SeededGenerator(seed: 7)
            let low = Double(input.scale) * Double(-128 - Int(input.zeroPoint))
            let high = Double(input.scale) * Double(127 - Int(input.zeroPoint))
            var text = (0..<elements).map { "f\($0)" }.joined(separator: ",") + "\n"
            for _ in 0..<24 {
                text += (0..<elements).map { _ in String(format: "%.3f", Double.random(in: low...high, using: &generator)) }
                    .joined(separator: ",") + "\n"
            }
            csv = Array(text.utf8)
        } else {
            var text = "energy,peak,prediction\n"
            for row in 0..<30 { text += "\(Double(row) * 0.25),\(Double(row % 7) - 3),\(row % classes)\n" }
            csv = Array(text.utf8)
        }
        let metadata = BundleMetadata(
            name: name, version: version, releaseCounter: counter, createdAt: now - 120,
            preprocessing: "raw int8 tensors as produced by the fixture's pipeline",
            lineage: Lineage(datasetSnapshotSHA256: String(repeating: "ab", count: 32), codeVersion: "test"))
        var builder = BundleBuilder(modelBytes: modelBytes, metadata: metadata, labels: [], baselineCSV: csv)
        builder.goldenDirectory = Fixtures.conformance.appendingPathComponent(model).path
        builder.goldenCount = 2
        builder.bins = 8
        var file = try builder.build()
        if corruptGolden {
            var golden = try GoldenSet.decode(file.goldenBytes, inputs: analysis.inputs, outputs: analysis.outputs)
            golden.cases[0].outputs[0][0] &+= 1
            file = try BundleBuilder.assemble(modelBytes: modelBytes, metadata: metadata, labels: [], analysis: analysis,
                                              baseline: try DriftBaseline.decode(file.baselineBytes), golden: golden)
        }
        return try file.signed(with: signer ?? keys.signingKey(now: now)).encoded()
    }

    /// The raw input of a fixture's golden case, and its reference output.
    static func golden(_ model: String = "kws_ref_model", case number: Int = 0) throws -> (input: [UInt8], output: [UInt8]) {
        (try Fixtures.bytes("\(model)/case-\(number).in-0.bin"), try Fixtures.bytes("\(model)/case-\(number).ref-0.bin"))
    }

    /// A silent logger unless AGENT_TEST_LOG names a level.
    static func logger() -> Logger {
        guard let name = ProcessInfo.processInfo.environment["AGENT_TEST_LOG"], let level = Logger.Level(rawValue: name) else {
            return Logger(label: "agent-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var logger = Logger(label: "agent-tests", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }

    /// Writes `bytes` to a new file in `directory` and returns its path.
    static func write(_ bytes: [UInt8], to directory: String, name: String) throws -> String {
        let path = "\(directory)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
