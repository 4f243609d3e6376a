import Agent
import Bundles
import TestSupport

extension AgentFixtures {
    /// A signed bundle whose baseline is `tensors` (raw inputs): input statistics, and an embedding of
    /// `embeddingTensor` when given.
    static func tensorBaselineBundle(_ model: String, name: String, keys: KeyDirectory, tensors: [[UInt8]],
                                     embeddingTensor: String?, k: Int = 8, bins: Int = 6) throws -> [UInt8] {
        let metadata = BundleMetadata(
            name: name, version: "1.0.0", releaseCounter: 1, createdAt: now - 120,
            preprocessing: "raw int8 tensors as produced by the fixture's pipeline",
            lineage: Lineage(datasetSnapshotSHA256: String(repeating: "ab", count: 32), codeVersion: "test"))
        var builder = BundleBuilder(modelBytes: try Fixtures.bytes("\(model)/model.tflite"), metadata: metadata, labels: [],
                                    baselineTensors: tensors)
        builder.goldenDirectory = Fixtures.conformance.appendingPathComponent(model).path
        builder.goldenCount = 2
        builder.bins = bins
        builder.embeddingTensor = embeddingTensor
        builder.embeddingK = k
        return try builder.build().signed(with: keys.signingKey(now: now)).encoded()
    }
}

extension AgentFixtures {
    /// A signed kws bundle whose CSV baseline has one column per input element (the tabular sketch) and an
    /// embedding of the flatten layer.
    static func tabularBundleWithEmbedding(keys: KeyDirectory) throws -> [UInt8] {
        let modelBytes = try Fixtures.bytes("kws_ref_model/model.tflite")
        // Rows are golden-like inputs written as dequantised values: kws input scale 0.5847029, zero point 83.
        var generator = SeededGenerator(seed: 17)
        var text = (0..<490).map { "f\($0)" }.joined(separator: ",") + "\n"
        for _ in 0..<12 {
            text += (0..<490).map { _ in "\(0.5847029089927673 * Double(Int(generator.next() % 256) - 128 - 83))" }.joined(separator: ",") + "\n"
        }
        let metadata = BundleMetadata(
            name: "kws", version: "1.0.0", releaseCounter: 1, createdAt: now - 120, preprocessing: "raw int8 tensors",
            lineage: Lineage(datasetSnapshotSHA256: String(repeating: "ab", count: 32), codeVersion: "test"))
        var builder = BundleBuilder(modelBytes: modelBytes, metadata: metadata, labels: [], baselineCSV: Array(text.utf8))
        builder.goldenDirectory = Fixtures.conformance.appendingPathComponent("kws_ref_model").path
        builder.goldenCount = 2
        builder.bins = 8
        builder.embeddingTensor = "functional_1/flatten/Reshape"
        return try builder.build().signed(with: keys.signingKey(now: now)).encoded()
    }
}
