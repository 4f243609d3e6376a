import Bundles
import Runtime
import TestSupport
import TFLite
import XCTest

/// Baselines of input statistics and embeddings built from raw tensors, checked against float references.
final class SketchBaselineTests: XCTestCase {
    static let vww = "vww_96_int8"
    static let vwwEmbedding = "model/flatten/Reshape"

    func testQuantileBinsSplitTheBaselineEvenlyAndMergeTies() throws {
        let histogram = try FeatureHistogram.quantiles(name: "s", values: (0..<100).map { Double($0) }, bins: 4)
        XCTAssertEqual(histogram.edges, [0, 24.75, 49.5, 74.25, 99])
        XCTAssertEqual(histogram.counts, [25, 25, 25, 25])
        // A mostly-zero statistic (no saturated pixels in most images): equal quantiles merge into fewer bins.
        let ties = try FeatureHistogram.quantiles(name: "t", values: Array(repeating: 0, count: 90) + (1...10).map { Double($0) }, bins: 8)
        // The point mass at 0 keeps a bin of its own, so 0.5 (a few saturated pixels) is told apart from 0.
        XCTAssertEqual(ties.edges, [0, 1e-9, 10])
        XCTAssertEqual(ties.counts, [90, 10])
        XCTAssertEqual(ties.binIndex(for: 0), 0)
        XCTAssertEqual(ties.binIndex(for: 0.5), 1)
        let middle = try FeatureHistogram.quantiles(name: "u", values: [1, 2, 3, 3, 3, 3, 3, 3, 4, 5], bins: 4)
        XCTAssertEqual(middle.edges, [1, 3, 3 + 3e-9, 5])
        XCTAssertEqual(middle.counts, [2, 6, 2])
    }

    func testConstantStatisticGetsThreeBinsAndNaNIsAClearError() throws {
        let constant = try FeatureHistogram.quantiles(name: "input.saturated", values: Array(repeating: 0, count: 12), bins: 8)
        XCTAssertEqual(constant.edges, [-1, -1e-6, 1e-6, 1])
        XCTAssertEqual(constant.counts, [0, 12, 0])
        XCTAssertEqual(constant.binIndex(for: 0), 1)
        XCTAssertEqual(constant.binIndex(for: 0.3), 2)
        let large = try FeatureHistogram.quantiles(name: "m", values: [-250, -250], bins: 4)
        XCTAssertEqual(large.edges, [-500, -250.00025, -249.99975, 0])
        let error = XCTAssertBundleError(.invalidInput, try FeatureHistogram.quantiles(name: "input.c0.mean", values: [1, .nan, 2], bins: 4))
        XCTAssertTrue(error?.message.contains("input.c0.mean") == true && error?.message.contains("sample 2") == true, "\(String(describing: error))")
        XCTAssertBundleError(.invalidInput, try FeatureHistogram.quantiles(name: "e", values: [1, .infinity], bins: 4))
        XCTAssertBundleError(.invalidInput, try FeatureHistogram.quantiles(name: "e", values: [], bins: 4))
    }

    func testInputStatisticsMatchAFloatReference() throws {
        let input = try ModelAnalyzer.analyze(try Fixtures.modelBytes(Self.vww)).inputs[0]
        let kernel = try InputStatisticsKernel(shape: input.shape, dtype: input.dtype, scale: input.scale, zeroPoint: input.zeroPoint)
        XCTAssertEqual(kernel.channels, 3)
        XCTAssertEqual(InputStatisticsKernel.statisticNames(channels: 3),
                       ["input.c0.mean", "input.c0.std", "input.c1.mean", "input.c1.std", "input.c2.mean", "input.c2.std", "input.saturated", "input.energy"])
        let tensors = SketchReference.int8Tensors(shape: input.shape, count: 6, seed: 3) + [try FileIO.read("\(Fixtures.conformance)/\(Self.vww)/case-0.in-0.bin")]
        var sawSaturation = false
        for tensor in tensors {
            let computed = kernel.compute(tensor)
            let reference = SketchReference.inputStatistics(tensor, shape: input.shape, scale: Double(input.scale), zeroPoint: Int(input.zeroPoint))
            XCTAssertEqual(computed.count, reference.count)
            for (value, expected) in zip(computed, reference) { XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected))) }
            sawSaturation = sawSaturation || reference[6] > 0
        }
        XCTAssertTrue(sawSaturation, "the generated tensors include saturated pixels")
        // kws: a [1, 49, 10, 1] spectrogram, one channel, rows of 10.
        let kws = try ModelAnalyzer.analyze(try Fixtures.modelBytes("kws_ref_model")).inputs[0]
        let kwsKernel = try InputStatisticsKernel(shape: kws.shape, dtype: kws.dtype, scale: kws.scale, zeroPoint: kws.zeroPoint)
        let frame = try FileIO.read("\(Fixtures.conformance)/kws_ref_model/case-1.in-0.bin")
        let reference = SketchReference.inputStatistics(frame, shape: kws.shape, scale: Double(kws.scale), zeroPoint: Int(kws.zeroPoint))
        for (value, expected) in zip(kwsKernel.compute(frame), reference) { XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected))) }
        // Every summation path: interleaved lanes with a ragged tail (2, 3, 5 channels), strided (9), flat (rank 2).
        for shape in [[1, 5, 7, 3], [1, 4, 9, 2], [2, 50, 5], [1, 3, 3, 9], [1, 700], [1, 1, 1, 3]] {
            let kernel = try InputStatisticsKernel(shape: shape, dtype: "int8", scale: 0.25, zeroPoint: -3)
            for tensor in SketchReference.int8Tensors(shape: shape, count: 4, seed: UInt64(shape.reduce(0, +))) {
                let reference = SketchReference.inputStatistics(tensor, shape: shape, scale: 0.25, zeroPoint: -3)
                for (value, expected) in zip(kernel.compute(tensor), reference) {
                    XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), "\(shape)")
                }
            }
        }
        XCTAssertBundleError(.invalidInput, try InputStatisticsKernel(shape: [1, 4], dtype: "float32", scale: 0, zeroPoint: 0))
    }

    func testTensorBaselineHasInputStatisticsAndEmbeddingOnQuantiles() throws {
        let modelBytes = try Fixtures.modelBytes(Self.vww)
        let analysis = try ModelAnalyzer.analyze(modelBytes)
        let input = analysis.inputs[0]
        let tensors = SketchReference.int8Tensors(shape: input.shape, count: 16, seed: 11)
        var builder = BundleBuilder(modelBytes: modelBytes, metadata: Fixtures.metadata(name: "vww"), labels: [], baselineTensors: tensors)
        builder.embeddingTensor = Self.vwwEmbedding
        builder.embeddingK = 12
        builder.bins = 4
        let file = try builder.build()
        let baseline = try DriftBaseline.decode(file.baselineBytes)
        XCTAssertEqual(baseline.sampleCount, 16)
        XCTAssertEqual(baseline.features, [], "no tabular features for a tensor baseline")
        XCTAssertEqual(baseline.predictions.source, "model")
        XCTAssertEqual(baseline.predictions.counts.reduce(0, +), 16)
        XCTAssertEqual(try GoldenSet.decode(file.goldenBytes, inputs: analysis.inputs, outputs: analysis.outputs).cases.count, 3)

        // Input statistics: every statistic's counts are the float reference's values binned on its edges.
        let statistics = try XCTUnwrap(baseline.inputStatistics)
        XCTAssertEqual(statistics.channels, 3)
        XCTAssertEqual(statistics.features.map(\.name), InputStatisticsKernel.statisticNames(channels: 3))
        let reference = tensors.map { SketchReference.inputStatistics($0, shape: input.shape, scale: Double(input.scale), zeroPoint: Int(input.zeroPoint)) }
        for (column, histogram) in statistics.features.enumerated() {
            var expected = [Int](repeating: 0, count: histogram.counts.count)
            for row in reference { expected[try XCTUnwrap(histogram.binIndex(for: row[column]))] += 1 }
            XCTAssertEqual(histogram.counts, expected, histogram.name)
            XCTAssertEqual(histogram.edges.first!, reference.map { $0[column] }.min()!, accuracy: 1e-9, "quantile 0 is the minimum")
            XCTAssertEqual(histogram.edges.last!, reference.map { $0[column] }.max()!, accuracy: 1e-9, "quantile 1 is the maximum")
        }

        // Embedding: the projection of the preserved activations, recomputed here in floats.
        let embedding = try XCTUnwrap(baseline.embedding)
        XCTAssertEqual(embedding.tensor, Self.vwwEmbedding)
        XCTAssertEqual(embedding.k, 12)
        XCTAssertEqual(embedding.features.map(\.name), (0..<12).map { "embedding.\($0)" })
        let model = try Model(bytes: modelBytes)
        let linear = try Interpreter(model: model, planner: LinearMemoryPlanner())
        let info = try XCTUnwrap(linear.tensorInfo(embedding.tensorIndex))
        XCTAssertEqual(info.shape.reduce(1, *), embedding.dimension)
        var projected: [[Double]] = []
        for tensor in tensors {
            try linear.setInput(0, tensor)
            linear.invoke()
            let activations = try XCTUnwrap(linear.tensorBytes(embedding.tensorIndex))
            projected.append(SketchReference.projection(activations, k: 12, seed: embedding.seed, scale: Double(info.scale), zeroPoint: Int(info.zeroPoint)))
        }
        for (column, histogram) in embedding.features.enumerated() {
            var expected = [Int](repeating: 0, count: histogram.counts.count)
            for row in projected { expected[try XCTUnwrap(histogram.binIndex(for: row[column]))] += 1 }
            XCTAssertEqual(histogram.counts, expected, histogram.name)
            XCTAssertGreaterThan(histogram.counts.count, 1, "the projection varies across the baseline")
        }
    }

    func testEmbeddingProjectionMatchesAFloatReference() throws {
        var generator = SeededGenerator(seed: 5)
        let tensor = (0..<300).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let projection = try EmbeddingProjection(dimension: 300, k: 16, seed: 42, dtype: "int8", scale: 0.05, zeroPoint: -7)
        let reference = SketchReference.projection(tensor, k: 16, seed: 42, scale: Double(Float(0.05)), zeroPoint: -7)
        for (value, expected) in zip(projection.project(tensor), reference) { XCTAssertEqual(value, expected, accuracy: 1e-9) }
        XCTAssertNotEqual(EmbeddingProjection.matrix(rows: 2, columns: 50, seed: 1), EmbeddingProjection.matrix(rows: 2, columns: 50, seed: 2))
        XCTAssertBundleError(.invalidInput, try EmbeddingProjection(dimension: 10, k: 0, seed: 1, dtype: "int8", scale: 1, zeroPoint: 0))
        XCTAssertBundleError(.invalidInput, try EmbeddingProjection(dimension: 10, k: 8, seed: 1, dtype: "float32", scale: 0, zeroPoint: 0))
    }

    func testOldBaselinesDecodeAndEncodeWithoutTheNewSections() throws {
        let old = #"{"features":[{"counts":[1,1],"edges":[0,1,2],"name":"x"}],"predictions":{"counts":[2],"source":"column"},"sampleCount":2}"#
        let baseline = try DriftBaseline.decode(Array(old.utf8))
        XCTAssertNil(baseline.inputStatistics)
        XCTAssertNil(baseline.embedding)
        XCTAssertEqual(String(decoding: try baseline.encoded(), as: UTF8.self), old, "byte-identical canonical JSON")
        XCTAssertEqual(baseline.allFeatures.map(\.name), ["x"])
    }

    func testBadSketchBaselinesAreClearErrors() throws {
        let modelBytes = try Fixtures.modelBytes(Self.vww)
        let input = try ModelAnalyzer.analyze(modelBytes).inputs[0]
        let tensors = SketchReference.int8Tensors(shape: input.shape, count: 4, seed: 1)
        func build(_ tensors: [[UInt8]], embedding: String? = nil, k: Int = 8) throws -> BundleFile {
            var builder = BundleBuilder(modelBytes: modelBytes, metadata: Fixtures.metadata(name: "vww"), labels: [], baselineTensors: tensors)
            builder.embeddingTensor = embedding
            builder.embeddingK = k
            return try builder.build()
        }
        let short = XCTAssertBundleError(.invalidInput, try build(tensors + [[1, 2, 3]]))
        XCTAssertTrue(short?.message.contains("baseline tensor 5 has 3 bytes") == true, "\(String(describing: short))")
        XCTAssertBundleError(.invalidInput, try build([]))
        let unknown = XCTAssertBundleError(.invalidInput, try build(tensors, embedding: "no/such/tensor"))
        XCTAssertTrue(unknown?.message.contains("no/such/tensor") == true)
        XCTAssertBundleError(.invalidInput, try build(tensors, embedding: Self.vwwEmbedding, k: 65))
        // Identical baseline tensors: every statistic constant, still a valid bundle (three bins each).
        let constant = try DriftBaseline.decode(try build(Array(repeating: tensors[0], count: 3), embedding: Self.vwwEmbedding).baselineBytes)
        XCTAssertTrue(constant.allFeatures.allSatisfy { $0.counts == [0, 3, 0] })
        // A CSV with NaN keeps failing clearly when an embedding is asked for.
        var csv = BundleBuilder(modelBytes: try Fixtures.modelBytes("ad01_int8"), metadata: Fixtures.metadata(), labels: [],
                                baselineCSV: Array(((0..<640).map { "f\($0)" }.joined(separator: ",") + "\n" + (0..<640).map { $0 == 3 ? "nan" : "0.5" }.joined(separator: ",") + "\n").utf8))
        csv.embeddingTensor = "no/such/tensor"
        XCTAssertBundleError(.invalidInput, try csv.build())
        csv.embeddingTensor = nil
        let nan = XCTAssertBundleError(.invalidInput, try csv.build())
        XCTAssertTrue(nan?.message.contains("f3") == true, "\(String(describing: nan))")
    }
}
