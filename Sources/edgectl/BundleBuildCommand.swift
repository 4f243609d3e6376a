import ArgumentParser
import Bundles

/// `edgectl bundle build`: an unsigned bundle from a model and what the pipeline knows about it.
struct BundleBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an unsigned bundle from a .tflite model, labels, baseline CSV and metadata JSON.")

    @Option(help: "The .tflite model.")
    var model: String

    @Option(help: "Metadata JSON: name, version, releaseCounter, preprocessing, lineage (see docs/bundle-format.md).")
    var metadata: String

    @Option(help: "Baseline CSV: a header of feature names, one row per reference sample.")
    var baseline: String

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
        var builder = BundleBuilder(modelBytes: try FileIO.read(model), metadata: try BundleMetadata.decode(try FileIO.read(metadata)),
                                    labels: try labels.map(BundleCLI.readLabels) ?? [], baselineCSV: try FileIO.read(baseline))
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
