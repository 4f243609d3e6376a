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
