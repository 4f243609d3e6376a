#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a .tflite model, its labels, baseline data and metadata into an unsigned bundle.
public struct BundleBuilder {
    public var modelBytes: [UInt8]
    public var metadata: BundleMetadata
    /// Class names of output 0, one per line in the labels file; empty when the model has none.
    public var labels: [String]
    public var baselineCSV: [UInt8]
    /// Raw input tensors (the model's single input, its dtype and layout) forming the baseline instead of the CSV:
    /// the builder runs the model on each and records input statistics (and the embedding, if asked).
    public var baselineTensors: [[UInt8]]?
    /// Name of an intermediate int8/uint8 tensor (e.g. the penultimate layer) to sketch as an embedding; nil for none.
    public var embeddingTensor: String?
    /// Dimensions of the embedding's random projection.
    public var embeddingK = 8
    /// Seed of the embedding's projection matrix.
    public var embeddingSeed: UInt32 = 0x5EED
    /// CSV column with each row's predicted class (index or label); when absent the builder runs the model.
    public var predictionColumn = "prediction"
    /// Equal-width histogram bins per baseline feature.
    public var bins = 16
    /// A directory of `case-K.in-I.bin` (and optionally `case-K.ref-J.bin`) files; nil to use baseline rows.
    public var goldenDirectory: String?
    /// Golden cases to keep, from the golden directory or the first baseline rows.
    public var goldenCount = 3

    public init(modelBytes: [UInt8], metadata: BundleMetadata, labels: [String], baselineCSV: [UInt8]) {
        self.modelBytes = modelBytes
        self.metadata = metadata
        self.labels = labels
        self.baselineCSV = baselineCSV
    }

    /// A builder whose baseline is a set of raw input tensors (`edgectl bundle build --baseline DIR`).
    public init(modelBytes: [UInt8], metadata: BundleMetadata, labels: [String], baselineTensors: [[UInt8]]) {
        self.init(modelBytes: modelBytes, metadata: metadata, labels: labels, baselineCSV: [])
        self.baselineTensors = baselineTensors
    }

    /// Analyses the model with the runtime, computes baseline and golden cases, and assembles the bundle.
    public func build() throws(BundleError) -> BundleFile {
        let analysis = try ModelAnalyzer.analyze(modelBytes)
        guard analysis.unsupportedOperators.isEmpty else {
            throw BundleError(.unsupportedOperator,
                "the runtime does not implement \(analysis.unsupportedOperators.joined(separator: ", ")); it cannot size or check this model")
        }
        var embeddingTarget: (index: Int, schema: TensorSchema)?
        if let embeddingTensor {
            guard let found = try ModelRunner.tensor(named: embeddingTensor, in: modelBytes) else {
                throw BundleError(.invalidInput, "the model has no tensor named '\(embeddingTensor)'; `edgectl inspect MODEL --tensors` lists them")
            }
            embeddingTarget = found
        }
        var runner: ModelRunner?
        func model() throws(BundleError) -> ModelRunner {
            if let runner { return runner }
            let made = try ModelRunner(modelBytes: modelBytes, preserving: embeddingTarget.map { [$0.index] } ?? [])
            runner = made
            return made
        }
        if let baselineTensors { return try buildFromTensors(baselineTensors, analysis: analysis, embedding: embeddingTarget, runner: try model()) }
        let table = try BaselineTable(csv: baselineCSV)
        let classCount = Self.classCount(of: analysis.outputs.first, labels: labels)
        let featureColumns = table.columns.filter { $0 != predictionColumn }

        let predictions: [Int]
        let predictionSource: String
        if table.columns.contains(predictionColumn) {
            predictions = try Self.columnPredictions(table, column: predictionColumn, labels: labels)
            predictionSource = "column"
        } else {
            let rows = try Self.inputRows(table, featureColumns: featureColumns, analysis: analysis)
            var found: [Int] = []
            for row in rows { found.append(Self.argmax(try model().run([row])[0], schema: analysis.outputs[0])) }
            predictions = found
            predictionSource = "model"
        }
        var baseline = try DriftBaseline.build(table: table, featureColumns: featureColumns, predictions: predictions,
                                               classCount: classCount, predictionSource: predictionSource, bins: bins)
        if let embeddingTarget {
            let rows = try Self.inputRows(table, featureColumns: featureColumns, analysis: analysis)
            var activations: [[UInt8]] = []
            for row in rows {
                _ = try model().run([row])
                activations.append(try model().preservedBytes(embeddingTarget.index) ?? [])
            }
            baseline.embedding = try DriftBaseline.embedding(of: activations, tensor: embeddingTarget.schema, tensorIndex: embeddingTarget.index,
                                                             k: embeddingK, seed: embeddingSeed, bins: bins)
        }

        let golden: GoldenSet
        if let goldenDirectory {
            golden = try GoldenSet.load(directory: goldenDirectory, inputCount: analysis.inputs.count,
                                        outputCount: analysis.outputs.count, limit: goldenCount) { (inputs) throws(BundleError) in
                try model().run(inputs)
            }
        } else {
            let rows = try Self.inputRows(table, featureColumns: featureColumns, analysis: analysis)
            var cases: [GoldenCase] = []
            for (index, row) in rows.prefix(goldenCount).enumerated() {
                cases.append(GoldenCase(name: "baseline-row-\(index + 1)", inputs: [row], outputs: try model().run([row])))
            }
            golden = GoldenSet(cases: cases)
        }
        return try Self.assemble(modelBytes: modelBytes, metadata: metadata, labels: labels, analysis: analysis,
                                 baseline: baseline, golden: golden)
    }

    /// The baseline from raw input tensors: predictions by the model, input statistics, optional embedding; golden
    /// cases from the golden directory or the first tensors.
    private func buildFromTensors(_ tensors: [[UInt8]], analysis: ModelAnalysis, embedding: (index: Int, schema: TensorSchema)?,
                                  runner: ModelRunner) throws(BundleError) -> BundleFile {
        guard analysis.inputs.count == 1, let input = analysis.inputs.first, let size = input.byteCount else {
            throw BundleError(.invalidInput, "a baseline of raw tensors needs a model with one input of known size; this one has \(analysis.inputs.count) inputs")
        }
        guard !tensors.isEmpty else { throw BundleError(.invalidInput, "the baseline has no tensors") }
        let classCount = Self.classCount(of: analysis.outputs.first, labels: labels)
        var counts = [Int](repeating: 0, count: classCount)
        var activations: [[UInt8]] = []
        for (index, tensor) in tensors.enumerated() {
            guard tensor.count == size else {
                throw BundleError(.invalidInput, "baseline tensor \(index + 1) has \(tensor.count) bytes; the input \(input.name) (\(input.dtype) \(input.shape)) needs \(size)")
            }
            let outputs = try runner.run([tensor])
            let predicted = Self.argmax(outputs[0], schema: analysis.outputs[0])
            if counts.indices.contains(predicted) { counts[predicted] += 1 }
            if let embedding { activations.append(runner.preservedBytes(embedding.index) ?? []) }
        }
        var baseline = DriftBaseline(sampleCount: tensors.count, features: [], predictions: ClassDistribution(counts: counts, source: "model"))
        baseline.inputStatistics = try DriftBaseline.inputStatistics(of: tensors, input: input, bins: bins)
        if let embedding {
            baseline.embedding = try DriftBaseline.embedding(of: activations, tensor: embedding.schema, tensorIndex: embedding.index,
                                                             k: embeddingK, seed: embeddingSeed, bins: bins)
        }
        let golden: GoldenSet
        if let goldenDirectory {
            golden = try GoldenSet.load(directory: goldenDirectory, inputCount: 1, outputCount: analysis.outputs.count,
                                        limit: goldenCount) { (inputs) throws(BundleError) in try runner.run(inputs) }
        } else {
            var cases: [GoldenCase] = []
            for (index, tensor) in tensors.prefix(goldenCount).enumerated() {
                cases.append(GoldenCase(name: "baseline-tensor-\(index + 1)", inputs: [tensor], outputs: try runner.run([tensor])))
            }
            golden = GoldenSet(cases: cases)
        }
        return try Self.assemble(modelBytes: modelBytes, metadata: metadata, labels: labels, analysis: analysis,
                                 baseline: baseline, golden: golden)
    }

    /// Compresses the model, digests every section and writes the canonical manifest; no signature yet.
    public static func assemble(modelBytes: [UInt8], metadata: BundleMetadata, labels: [String], analysis: ModelAnalysis,
                                baseline: DriftBaseline, golden: GoldenSet) throws(BundleError) -> BundleFile {
        guard modelBytes.count <= Zlib.maximumInflatedBytes else {
            throw BundleError(.oversizedPayload, "the model has \(modelBytes.count) bytes, above the cap of \(Zlib.maximumInflatedBytes)")
        }
        guard !golden.cases.isEmpty else {
            throw BundleError(.invalidInput, "a bundle needs at least one golden case for the device's health check")
        }
        try golden.validate(inputs: analysis.inputs, outputs: analysis.outputs)
        let classCount = classCount(of: analysis.outputs.first, labels: labels)
        if !labels.isEmpty, labels.count != classCount {
            throw BundleError(.invalidInput, "the labels file has \(labels.count) labels but output 0 has \(classCount) classes")
        }
        guard baseline.predictions.counts.count == classCount else {
            throw BundleError(.invalidInput, "the baseline's class distribution has \(baseline.predictions.counts.count) classes, the model \(classCount)")
        }
        let compressed = try Zlib.compress(modelBytes)
        let baselineBytes = try baseline.encoded()
        let goldenBytes = try golden.encoded()
        let manifest = BundleManifest(
            name: metadata.name, version: metadata.version, releaseCounter: metadata.releaseCounter,
            createdAt: metadata.createdAt ?? Int64(Date().timeIntervalSince1970),
            inputs: analysis.inputs, outputs: analysis.outputs, labels: labels, preprocessing: metadata.preprocessing,
            lineage: metadata.lineage, requirements: analysis.requirements(requiredFeatures: metadata.requiredFeatures ?? []),
            payload: PayloadDescriptor(length: modelBytes.count, sha256: Digest.sha256Hex(modelBytes),
                                       compressedLength: compressed.count, compressedSHA256: Digest.sha256Hex(compressed)),
            baseline: SectionDigest(of: baselineBytes), golden: SectionDigest(of: goldenBytes))
        do { try manifest.validate() } catch { throw BundleError(.invalidInput, error.message) }
        let manifestBytes = try manifest.canonicalBytes()
        guard manifestBytes.count <= BundleFormat.Tag.manifest.maximumLength else {
            throw BundleError(.invalidInput, "the manifest is \(manifestBytes.count) bytes, above the 1 MiB limit (too many labels?)")
        }
        return BundleFile(manifestBytes: manifestBytes, signatures: [], baselineBytes: baselineBytes,
                          goldenBytes: goldenBytes, compressedPayload: compressed)
    }

    /// Classes of output 0: its last dimension, or the label count when the shape is unknown.
    static func classCount(of output: TensorSchema?, labels: [String]) -> Int {
        guard let last = output?.shape.last, last > 0 else { return max(labels.count, 1) }
        return last
    }

    static func columnPredictions(_ table: BaselineTable, column: String, labels: [String]) throws(BundleError) -> [Int] {
        let position = table.columns.firstIndex(of: column)!
        var predictions: [Int] = []
        for (offset, row) in table.rows.enumerated() {
            let cell = row[position]
            if let index = Int(cell) { predictions.append(index) } else if let index = labels.firstIndex(of: cell) {
                predictions.append(index)
            } else {
                throw BundleError(.invalidInput, "baseline CSV row \(offset + 1): prediction '\(cell)' is neither a class index nor a label")
            }
        }
        return predictions
    }

    /// Each row's features quantised into the single input tensor's bytes.
    static func inputRows(_ table: BaselineTable, featureColumns: [String], analysis: ModelAnalysis) throws(BundleError) -> [[UInt8]] {
        guard analysis.inputs.count == 1, let input = analysis.inputs.first, input.elementCount == featureColumns.count else {
            throw BundleError(.invalidInput,
                "the baseline CSV has \(featureColumns.count) feature columns but the model's input needs \(analysis.inputs.first?.elementCount ?? 0) values; " +
                "add a '\("prediction")' column and a golden-case directory instead")
        }
        var columns: [[Double]] = []
        for name in featureColumns { columns.append(try table.numbers(in: name)) }
        return table.rows.indices.map { row in featureColumns.indices.flatMap { encode(columns[$0][row], as: input) } }
    }

    /// One real value in the tensor's storage: quantised for int8/uint8, little-endian for float32.
    static func encode(_ value: Double, as schema: TensorSchema) -> [UInt8] {
        switch schema.dtype.lowercased() {
        case "int8", "uint8":
            let range: ClosedRange<Double> = schema.dtype.lowercased() == "int8" ? -128...127 : 0...255
            let scaled = schema.scale > 0 ? value / Double(schema.scale) + Double(schema.zeroPoint) : value
            let quantised = Swift.min(Swift.max(scaled.rounded(.toNearestOrEven), range.lowerBound), range.upperBound)
            return [UInt8(truncatingIfNeeded: Int(quantised))]
        default:
            let bits = Float(value).bitPattern
            return (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
        }
    }

    /// The class with the highest score in output bytes, read in the output's dtype.
    static func argmax(_ bytes: [UInt8], schema: TensorSchema) -> Int {
        let scores: [Double]
        switch schema.dtype.lowercased() {
        case "int8": scores = bytes.map { Double(Int8(bitPattern: $0)) }
        case "float32":
            scores = stride(from: 0, to: bytes.count - 3, by: 4).map { offset in
                Double(Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }))
            }
        default: scores = bytes.map { Double($0) }
        }
        var best = 0
        for (index, score) in scores.enumerated() where score > scores[best] { best = index }
        return best
    }
}
