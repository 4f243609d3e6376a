import Bundles
import Foundation
import TestSupport

/// Signed bundles of a small real model (the keyword spotter of the conformance fixtures) for the collector's
/// registry and end-to-end tests.
public enum TestBundles {
    public static let labels = ["silence", "unknown", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]

    /// A key directory whose keys are valid now (the collector verifies with the system clock).
    public static func keys(in directory: URL) throws -> KeyDirectory {
        try KeyDirectory.initialize(at: directory.appendingPathComponent("keys").path, now: Int64(Date().timeIntervalSince1970) - 3600,
                                    releaseValidity: 365 * 86_400)
    }

    /// A bundle of `kws_ref_model`, signed with the directory's release key unless `signed` is false.
    public static func bundle(keys: KeyDirectory, name: String = "keyword-spotter", version: String, release: UInt64, parent: String? = nil,
                       signed: Bool = true) throws -> [UInt8] {
        let folder = Fixtures.conformance.appendingPathComponent("kws_ref_model").path
        let model = try Fixtures.bytes("kws_ref_model/model.tflite")
        let analysis = try ModelAnalyzer.analyze(model)
        let classes = analysis.outputs[0].shape.last ?? 1
        var csv = "energy,peak,prediction\n"
        for row in 0..<40 { csv += "\(Double(row) * 0.25),\(Double(row % 7) - 3),\(row % classes)\n" }
        let table = try BaselineTable(csv: Array(csv.utf8))
        let baseline = try DriftBaseline.build(table: table, featureColumns: ["energy", "peak"],
                                               predictions: try table.numbers(in: "prediction").map { Int($0) }, classCount: classes,
                                               predictionSource: "column", bins: 8)
        let golden = try GoldenSet.load(directory: folder, inputCount: analysis.inputs.count, outputCount: analysis.outputs.count, limit: 2,
                                        reference: nil)
        let metadata = BundleMetadata(
            name: name, version: version, releaseCounter: release, createdAt: Int64(Date().timeIntervalSince1970),
            preprocessing: "MFCC 49x10, int8",
            lineage: Lineage(parentVersion: parent, datasetSnapshotSHA256: String(repeating: "ab", count: 32), codeVersion: "git:test",
                             evaluation: EvaluationReport(metrics: ["accuracy": 0.91], notes: "speech commands v2 test split")))
        let file = try BundleBuilder.assemble(modelBytes: model, metadata: metadata, labels: labels, analysis: analysis, baseline: baseline,
                                              golden: golden)
        guard signed else { return file.encoded() }
        return try file.signed(with: try keys.signingKey(now: Int64(Date().timeIntervalSince1970))).encoded()
    }

    /// Trust settings pointing at the key directory's root and trust file.
    public static func trustPaths(_ keys: KeyDirectory) -> (root: String, trust: String) {
        (keys.rootPublicKeyPath, keys.trustPath)
    }
}
