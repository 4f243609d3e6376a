import Bundles
import FleetSupport
import Runtime
import TFLite

/// `edgectl bench MODEL --sketch BUNDLE`: what the drift sketches of a bundle's baseline cost per inference.
///
/// Runs the model with the embedding tensor preserved (as the agent does) and times, separately and per
/// iteration, `invoke` and the sketch work the agent adds to it: input statistics, embedding projection and
/// binning every statistic on the baseline's edges. Reports the medians and their ratio; timing the sketch on its
/// own keeps the figure meaningful on a busy machine, where two whole-inference medians differ by more than 2 %.
/// The agent's own per-input path (`SketchSet` in Sources/Agent/Sketches) runs the same kernels.
struct SketchCost {
    let modelPath: String
    let bundlePath: String
    let iterations: Int
    let warmup: Int

    func run() throws {
        let model = try FileAccess.loadModel(modelPath)
        let bundle: BundleFile
        let baseline: DriftBaseline
        do {
            bundle = try BundleFile(parsing: try FileAccess.read(bundlePath))
            baseline = try DriftBaseline.decode(bundle.baselineBytes)
        } catch {
            throw CommandLineError("\(bundlePath): \(error)")
        }
        var preserved: [Int] = []
        if let embedding = baseline.embedding {
            guard model.mainGraph.tensors.indices.contains(embedding.tensorIndex),
                  model.mainGraph.tensors[embedding.tensorIndex].name == embedding.tensor else {
                throw CommandLineError("\(bundlePath): its embedding tensor '\(embedding.tensor)' is not tensor \(embedding.tensorIndex) of \(modelPath); bench the bundle's own model")
            }
            preserved = [embedding.tensorIndex]
        }
        let interpreter: Interpreter
        do { interpreter = try Interpreter(model: model, preserving: preserved) } catch { throw CommandLineError("\(modelPath): \(error.message)") }
        guard interpreter.inputs.count == 1 else { throw CommandLineError("\(modelPath): drift sketches need a single-input model") }
        let input = interpreter.inputs[0]

        var inputKernel: InputStatisticsKernel?
        if let statistics = baseline.inputStatistics {
            let kernel = try InputStatisticsKernel(shape: input.shape, dtype: input.type.name, scale: input.scale, zeroPoint: input.zeroPoint)
            guard kernel.channels == statistics.channels else { throw CommandLineError("\(bundlePath): its input statistics do not fit \(modelPath)") }
            inputKernel = kernel
        }
        var projection: EmbeddingProjection?
        var embeddingBuffer: UnsafeRawBufferPointer?
        if let embedding = baseline.embedding, let info = interpreter.tensorInfo(embedding.tensorIndex) {
            projection = try EmbeddingProjection(dimension: embedding.dimension, k: embedding.k, seed: embedding.seed,
                                                 dtype: info.type.name, scale: info.scale, zeroPoint: info.zeroPoint)
            embeddingBuffer = interpreter.preservedBuffer(embedding.tensorIndex)
        }
        guard inputKernel != nil || projection != nil else {
            throw CommandLineError("\(bundlePath): its baseline has no input statistics and no embedding to measure")
        }
        let histograms = (baseline.inputStatistics?.features ?? []) + (baseline.embedding?.features ?? [])
        var counts = [UInt64](repeating: 0, count: histograms.reduce(0) { $0 + $1.counts.count })
        var scratch = [Int64](repeating: 0, count: inputKernel?.scratchCount ?? 0)
        var values = [Double](repeating: 0, count: (inputKernel?.statisticCount ?? 0) + (projection?.k ?? 0))

        var random = SplitMix64(seed: SplitMix64.increment)
        BenchCommand.fillDeterministically(interpreter.inputBuffer(0), using: &random)
        let clock = ContinuousClock()
        var invokeSamples: [Double] = [], sketchSamples: [Double] = []
        for iteration in 0..<(warmup + iterations) {
            let sketchStart = clock.now
            values.withUnsafeMutableBufferPointer { values in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    inputKernel?.compute(UnsafeRawBufferPointer(interpreter.inputBuffer(0)), scratch: scratch, into: values)
                }
            }
            var sketchTime = clock.now - sketchStart
            let invokeStart = clock.now
            interpreter.invoke()
            let invokeTime = clock.now - invokeStart
            let afterStart = clock.now
            values.withUnsafeMutableBufferPointer { values in
                if let projection, let embeddingBuffer {
                    projection.project(embeddingBuffer, into: UnsafeMutableBufferPointer(rebasing: values[(inputKernel?.statisticCount ?? 0)...]))
                }
                var base = 0
                for (index, histogram) in histograms.enumerated() {
                    if let bin = histogram.binIndex(for: values[index]) { counts[base + bin] &+= 1 }
                    base += histogram.counts.count
                }
            }
            sketchTime += clock.now - afterStart
            if iteration >= warmup {
                invokeSamples.append(BenchCommand.milliseconds(invokeTime))
                sketchSamples.append(BenchCommand.milliseconds(sketchTime))
            }
        }
        invokeSamples.sort()
        sketchSamples.sort()
        let invokeMedian = BenchCommand.percentile(invokeSamples, 0.5)
        let sketchMedian = BenchCommand.percentile(sketchSamples, 0.5)
        print("model: \(modelPath)")
        print("sketches: \(histograms.count) statistics (\(baseline.inputStatistics?.features.count ?? 0) input, \(baseline.embedding?.k ?? 0) embedding" +
              (baseline.embedding.map { " of \($0.dimension) values" } ?? "") + "), \(iterations) inferences after \(warmup) warm-up, one thread")
        print("invoke median: \(BenchCommand.fixed(invokeMedian, 4)) ms")
        print("sketch median: \(BenchCommand.fixed(sketchMedian * 1000, 2)) us")
        print("overhead: \(BenchCommand.fixed(100 * sketchMedian / invokeMedian, 3)) % of invoke")
        if counts.reduce(0, +) == 0 { print("warning: no statistic was binned") }
    }
}
