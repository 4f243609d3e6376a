import ArgumentParser
import Bundles

/// `edgectl bundle inspect`: what a bundle contains, without trusting it.
struct BundleInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a bundle's manifest, sections and signatures (nothing is verified).")

    @Argument(help: "The bundle file.")
    var bundle: String

    @Flag(help: "Print the manifest as indented JSON.")
    var json = false

    func run() throws {
        let bytes = try FileIO.read(bundle)
        let file = try BundleFile(parsing: bytes)
        let manifest = try file.unverifiedManifest()
        if json {
            print(String(decoding: try BundleCLI.prettyJSON(manifest), as: UTF8.self), terminator: "")
            return
        }
        print("bundle \(bundle): \(bytes.count) bytes, format version \(BundleFormat.version) (UNVERIFIED)")
        print("model \(manifest.name) \(manifest.version), release counter \(manifest.releaseCounter), created \(manifest.createdAt)")
        for (kind, tensors) in [("input", manifest.inputs), ("output", manifest.outputs)] {
            for tensor in tensors {
                print("\(kind) \(tensor.name) \(tensor.shape) \(tensor.dtype) scale \(tensor.scale) zero point \(tensor.zeroPoint)")
            }
        }
        print("labels: \(manifest.labels.count)\(manifest.labels.isEmpty ? "" : " (\(manifest.labels.prefix(5).joined(separator: ", "))\(manifest.labels.count > 5 ? ", ..." : ""))")")
        print("preprocessing: \(manifest.preprocessing)")
        let lineage = manifest.lineage
        print("lineage: parent \(lineage.parentVersion ?? "none"), dataset \(lineage.datasetSnapshotSHA256), code \(lineage.codeVersion)")
        if !lineage.evaluation.metrics.isEmpty {
            print("evaluation: " + lineage.evaluation.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        let requirements = manifest.requirements
        print("requires: ops \(requirements.operators.joined(separator: ",")); arena \(requirements.arenaBytes) B; weights \(requirements.weightsBytes) B; \(requirements.macs) MACs; features [\(requirements.requiredFeatures.joined(separator: ","))]")
        print("payload: \(manifest.payload.length) bytes (zlib \(manifest.payload.compressedLength)), sha256 \(manifest.payload.sha256)")
        if let baseline = try? DriftBaseline.decode(file.baselineBytes) {
            print("drift baseline: \(baseline.sampleCount) samples, \(baseline.features.count) features, class counts \(baseline.predictions.counts.prefix(10))\(baseline.predictions.counts.count > 10 ? "..." : "")")
            if let statistics = baseline.inputStatistics {
                print("input statistics: \(statistics.channels) channels, \(statistics.features.count) statistics on quantile bins")
            }
            if let embedding = baseline.embedding {
                print("embedding: \(embedding.tensor) (#\(embedding.tensorIndex), \(embedding.dimension) values) projected to \(embedding.k), seed \(embedding.seed)")
            }
        }
        if let golden = try? GoldenSet.decode(file.goldenBytes, inputs: manifest.inputs, outputs: manifest.outputs) {
            print("golden cases: \(golden.cases.map(\.name).joined(separator: ", "))")
        }
        print("signatures: \(file.signatures.isEmpty ? "none" : file.signatures.map(\.keyID.hex).joined(separator: ", "))")
    }
}
