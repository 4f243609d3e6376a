import Bundles
import Runtime

/// Per-inference random projection of an intermediate tensor (e.g. the penultimate layer) to k numbers, binned
/// on the baseline's quantile edges.
///
/// The interpreter is prepared with the tensor preserved (``tensorsToPreserve(_:model:)``), so its bytes are
/// intact after `invoke`; the sketch reads them in place through a pointer into the interpreter's arena, valid
/// as long as the interpreter lives (both belong to one ``LoadedModel``). Used by the inference thread only; the
/// projection matrix and the output buffer are made once in `init`.
final class EmbeddingSketch {
    let bins: SketchBins
    private let projection: EmbeddingProjection
    private let tensor: UnsafeRawBufferPointer
    private let values: UnsafeMutableBufferPointer<Double>

    /// Nil when the tensor is not preserved by `interpreter` or does not match the baseline (name, size, type).
    init?(baseline: EmbeddingBaseline, interpreter: Interpreter) {
        guard let info = interpreter.tensorInfo(baseline.tensorIndex), info.name == baseline.tensor,
              info.shape.reduce(1, *) == baseline.dimension, let tensor = interpreter.preservedBuffer(baseline.tensorIndex),
              tensor.count == baseline.dimension,
              let projection = try? EmbeddingProjection(dimension: baseline.dimension, k: baseline.k, seed: baseline.seed,
                                                        dtype: info.type.name, scale: info.scale, zeroPoint: info.zeroPoint)
        else { return nil }
        self.projection = projection
        self.tensor = tensor
        self.bins = SketchBins(baseline.features)
        values = .allocate(capacity: baseline.k)
        values.initialize(repeating: 0)
    }

    deinit { values.deallocate() }

    /// The tensor indices an interpreter must preserve for this baseline's embedding: [] when it has none or the
    /// model has no such tensor.
    static func tensorsToPreserve(_ baseline: DriftBaseline, tensorNames: [String]) -> [Int] {
        guard let embedding = baseline.embedding, tensorNames.indices.contains(embedding.tensorIndex),
              tensorNames[embedding.tensorIndex] == embedding.tensor else { return [] }
        return [embedding.tensorIndex]
    }

    /// Projects the tensor's current bytes (call after `invoke`).
    func measure() {
        projection.project(tensor, into: values)
    }

    /// Counts the last projection into `counts` from `base`; returns how many values were outliers.
    func record(into counts: UnsafeMutableBufferPointer<UInt64>, base: Int) -> Int {
        var outliers = 0
        for index in 0..<values.count { outliers &+= bins.count(values[index], statistic: index, into: counts, base: base) }
        return outliers
    }

}
