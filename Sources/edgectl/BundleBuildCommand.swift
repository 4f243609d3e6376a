import ArgumentParser
import Bundles

/// `edgectl bundle build`: an unsigned bundle from a model and what the pipeline knows about it.
struct BundleBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an unsigned bundle from a .tflite model, labels, baseline data and metadata JSON.")

    @Option(help: "The .tflite model.")
    var model: String

    @Option(help: "Metadata JSON: name, version, releaseCounter, preprocessing, lineage (see docs/bundle-format.md).")
    var metadata: String

    @Option(help: ArgumentHelp("Baseline CSV (a header of feature names, one row per reference sample), or a directory of raw input tensors.",
                               discussion: "A directory holds *.bin files, each exactly one input tensor in the model's dtype and layout (conformance reference outputs, *.ref-J.bin and *.xnn-J.bin, are skipped); " +
                                           "the model is run on each and the baseline gets input statistics on quantile bins."))
    var baseline: String

    @Option(help: "Name (or #index, as `edgectl inspect --tensors` lists) of an intermediate int8 tensor, e.g. the penultimate layer, to sketch as a random-projection embedding.")
    var embeddingTensor: String?

    @Option(help: "Dimensions of the embedding's random projection (1...64).")
    var embeddingK: Int = 8

    @Option(help: "Seed of the embedding's projection matrix.")
    var embeddingSeed: UInt32 = 0x5EED

    @Option(help: "Labels file, one class name per line (output 0's classes).")
    var labels: String?

    @Option(help: "Directory of golden inputs case-K.in-I.bin (and expected case-K.ref-J.bin); default: the first baseline rows.")
    var golden: String?

    @Option(help: "How many golden cases to keep.")
    var goldenCount: Int = 3

    @Option(help: "Histogram bins per feature.")
    var bins: Int = 16

    @Option(help: "CSV column holding each row's predicted class; without it the model is run on the rows.")
    var predictionColumn: String = "prediction"

    @Option(name: .shortAndLong, help: "Where to write the bundle.")
    var output: String

    func run() throws {
        let modelBytes = try FileIO.read(model)
        let meta = try BundleMetadata.decode(try FileIO.read(metadata))
        let labelNames = try labels.map(BundleCLI.readLabels) ?? []
        var builder: BundleBuilder
        if FileIO.isDirectory(baseline) {
            let names = try FileIO.list(baseline).filter { $0.hasSuffix(".bin") && !$0.contains(".ref-") && !$0.contains(".xnn-") }.sorted()
            guard !names.isEmpty else { throw BundleError(.invalidInput, "\(baseline) holds no *.bin input tensors") }
            var tensors: [[UInt8]] = []
            for name in names { tensors.append(try FileIO.read("\(baseline)/\(name)")) }
            builder = BundleBuilder(modelBytes: modelBytes, metadata: meta, labels: labelNames, baselineTensors: tensors)
        } else {
            builder = BundleBuilder(modelBytes: modelBytes, metadata: meta, labels: labelNames, baselineCSV: try FileIO.read(baseline))
        }
        builder.embeddingTensor = embeddingTensor
        builder.embeddingK = embeddingK
        builder.embeddingSeed = embeddingSeed
        builder.goldenDirectory = golden
        builder.goldenCount = goldenCount
        builder.bins = bins
        builder.predictionColumn = predictionColumn
        let bundle = try builder.build()
        let bytes = bundle.encoded()
        try FileIO.writeAtomically(output, bytes)
        let manifest = try bundle.unverifiedManifest()
        print("built \(output): \(manifest.name) \(manifest.version) counter \(manifest.releaseCounter), \(bytes.count) bytes, unsigned")
        print("next: edgectl bundle sign \(output) --keys <dir>")
    }
}
