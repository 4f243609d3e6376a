import Bundles
import Runtime

/// Every drift sketch of one model: the tabular per-element features, the input statistics and the embedding,
/// reported as one list of named features (in ``DriftBaseline/allFeatures`` order) with flat bin counts.
///
/// Made in ``LoadedModel`` for a single-input model whose baseline defines at least one sketch. Used by the
/// inference thread only: per input, ``measureInput(_:)`` (before `invoke`, outside the statistics lock), then
/// ``record(_:into:)`` (under the lock), then after `invoke` ``measureEmbedding()`` and ``recordEmbedding(into:)``.
/// Nothing here allocates after `init`.
final class SketchSet {
    let names: [String]
    let totalBins: Int
    private let binCounts: [Int]
    private let tabular: FeatureSketch?
    let input: InputSketch?
    let embedding: EmbeddingSketch?
    private let inputBase: Int
    private let embeddingBase: Int

    /// Nil when the model has several inputs or the baseline defines no sketch that fits it.
    init?(baseline: DriftBaseline, interpreter: Interpreter) {
        guard interpreter.inputs.count == 1 else { return nil }
        let tabular = FeatureSketch(baseline: baseline, input: interpreter.inputs[0])
        let input = baseline.inputStatistics.flatMap { InputSketch(baseline: $0, input: interpreter.inputs[0]) }
        let embedding = baseline.embedding.flatMap { EmbeddingSketch(baseline: $0, interpreter: interpreter) }
        guard tabular != nil || input != nil || embedding != nil else { return nil }
        self.tabular = tabular
        self.input = input
        self.embedding = embedding
        var names: [String] = []
        var binCounts: [Int] = []
        if let tabular {
            names += tabular.names
            binCounts += (0..<tabular.names.count).map(tabular.binCount)
        }
        inputBase = binCounts.reduce(0, +)
        if let input {
            names += input.bins.names
            binCounts += input.bins.binCounts
        }
        embeddingBase = binCounts.reduce(0, +)
        if let embedding {
            names += embedding.bins.names
            binCounts += embedding.bins.binCounts
        }
        self.names = names
        self.binCounts = binCounts
        self.totalBins = binCounts.reduce(0, +)
    }

    /// The tensors the model's interpreter must preserve for these sketches (the embedding tensor, if any).
    static func tensorsToPreserve(_ baseline: DriftBaseline, tensorNames: [String]) -> [Int] {
        EmbeddingSketch.tensorsToPreserve(baseline, tensorNames: tensorNames)
    }

    /// Bin count of feature `index`.
    func binCount(_ index: Int) -> Int { binCounts[index] }

    /// Computes the input statistics of the input tensor (before `invoke`).
    func measureInput(_ input: UnsafeRawBufferPointer) {
        self.input?.measure(input)
    }

    /// Counts the tabular features of `input` and the measured input statistics into `counts` (flat,
    /// ``totalBins`` long); returns how many were outliers.
    func record(_ input: UnsafeRawBufferPointer, into counts: UnsafeMutableBufferPointer<UInt64>) -> Int {
        var outliers = tabular?.record(input, into: counts) ?? 0
        if let sketch = self.input { outliers &+= sketch.record(into: counts, base: inputBase) }
        return outliers
    }

    /// Projects the embedding tensor (after `invoke`).
    func measureEmbedding() {
        embedding?.measure()
    }

    /// Counts the measured embedding into `counts`; returns how many values were outliers.
    func recordEmbedding(into counts: UnsafeMutableBufferPointer<UInt64>) -> Int {
        embedding?.record(into: counts, base: embeddingBase) ?? 0
    }
}
