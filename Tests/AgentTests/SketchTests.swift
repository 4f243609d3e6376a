import Agent
import Bundles
import CAllocationCounter
import FleetProtocol
import Runtime
import TestSupport
import TFLite
import XCTest

/// Drift sketches for tensor inputs: input statistics and embeddings reach telemetry in the bins a float
/// reference (computed here, from the documented definitions) says, and cost no allocation per input.
final class SketchTests: XCTestCase {
    static let embeddings = ["vww_96_int8": "model/flatten/Reshape", "kws_ref_model": "functional_1/flatten/Reshape"]

    /// The expected telemetry counts for `frames`: each frame's reference statistics and projection binned on the baseline.
    private func expectedCounts(_ model: String, baseline: DriftBaseline, frames: [[UInt8]]) throws -> [String: [UInt64]] {
        let modelBytes = try Fixtures.bytes("\(model)/model.tflite")
        let input = try ModelAnalyzer.analyze(modelBytes).inputs[0]
        // Every intermediate stays readable with the linear planner: an independent path to the activations.
        let linear = try Interpreter(model: try Model(bytes: modelBytes), planner: LinearMemoryPlanner())
        var expected: [String: [UInt64]] = [:]
        for histogram in baseline.allFeatures { expected[histogram.name] = [UInt64](repeating: 0, count: histogram.counts.count) }
        for frame in frames {
            let statistics = SketchReference.inputStatistics(frame, shape: input.shape, scale: Double(input.scale), zeroPoint: Int(input.zeroPoint))
            for (histogram, value) in zip(baseline.inputStatistics?.features ?? [], statistics) {
                expected[histogram.name]![try XCTUnwrap(histogram.binIndex(for: value))] += 1
            }
            if let embedding = baseline.embedding {
                try linear.setInput(0, frame)
                linear.invoke()
                let info = try XCTUnwrap(linear.tensorInfo(embedding.tensorIndex))
                let projected = SketchReference.projection(try XCTUnwrap(linear.tensorBytes(embedding.tensorIndex)), k: embedding.k,
                                                           seed: embedding.seed, scale: Double(info.scale), zeroPoint: Int(info.zeroPoint))
                for (histogram, value) in zip(embedding.features, projected) {
                    expected[histogram.name]![try XCTUnwrap(histogram.binIndex(for: value))] += 1
                }
            }
        }
        return expected
    }

    func testImageAndAudioModelsReportInputStatisticsAndEmbeddingsInTheRightBins() throws {
        let keys = try AgentFixtures.keys(self)
        for (model, channels) in [("vww_96_int8", 3), ("kws_ref_model", 1)] {
            let input = try ModelAnalyzer.analyze(try Fixtures.bytes("\(model)/model.tflite")).inputs[0]
            let bundle = try AgentFixtures.tensorBaselineBundle(
                model, name: model.replacingOccurrences(of: "_", with: "-"), keys: keys,
                tensors: SketchReference.int8Tensors(shape: input.shape, count: 24, seed: 21), embeddingTensor: Self.embeddings[model])
            let baseline = try DriftBaseline.decode(try BundleFile(parsing: bundle).baselineBytes)
            let harness = try InferenceHarness(bundleBytes: bundle, verifier: try AgentFixtures.verifier(keys))
            let frames = SketchReference.int8Tensors(shape: input.shape, count: 5, seed: 99) + [try AgentFixtures.golden(model).input]
            for frame in frames { frame.withUnsafeBytes { harness.process($0) } }

            let statistics = harness.statistics()
            XCTAssertEqual(statistics.inferences, UInt64(frames.count))
            XCTAssertEqual(statistics.features.map(\.name),
                           InputStatisticsKernel.statisticNames(channels: channels) + (0..<8).map { "embedding.\($0)" }, model)
            XCTAssertEqual(statistics.features.map(\.name), baseline.allFeatures.map(\.name))
            let expected = try expectedCounts(model, baseline: baseline, frames: frames)
            for feature in statistics.features {
                XCTAssertEqual(feature.counts, expected[feature.name], "\(model) \(feature.name)")
                XCTAssertEqual(feature.counts.reduce(0, +), UInt64(frames.count))
            }
        }
    }

    func testTabularFeaturesKeepTheirBinsWithAnEmbeddingAfterThem() throws {
        let keys = try AgentFixtures.keys(self)
        let bundle = try AgentFixtures.tabularBundleWithEmbedding(keys: keys)
        let baseline = try DriftBaseline.decode(try BundleFile(parsing: bundle).baselineBytes)
        XCTAssertEqual(baseline.features.count, 490)
        XCTAssertNil(baseline.inputStatistics, "a CSV baseline has no input statistics")
        let harness = try InferenceHarness(bundleBytes: bundle, verifier: try AgentFixtures.verifier(keys))
        let (input, _) = try AgentFixtures.golden(case: 1)
        input.withUnsafeBytes { harness.process($0) }
        let features = harness.statistics().features
        XCTAssertEqual(features.map(\.name), baseline.allFeatures.map(\.name))
        XCTAssertEqual(features.count, 490 + 8)
        // The tabular part exactly as before: each element's dequantised value in its feature's bin.
        for (index, reference) in baseline.features.enumerated() {
            let value = 0.5847029089927673 * Double(Int(Int8(bitPattern: input[index])) - 83)
            XCTAssertEqual(features[index].counts[try XCTUnwrap(reference.binIndex(for: value))], 1, "feature \(index)")
        }
        let expected = try expectedCounts("kws_ref_model", baseline: baseline, frames: [input])
        for feature in features.suffix(8) { XCTAssertEqual(feature.counts, expected[feature.name], feature.name) }
    }

    func testABundleWithoutSketchesStillReportsNoFeatures() throws {
        // The summary-feature CSV baseline of the older tests: no per-element features, no new sections.
        let keys = try AgentFixtures.keys(self)
        let harness = try InferenceHarness(bundleBytes: try AgentFixtures.bundle(keys: keys), verifier: try AgentFixtures.verifier(keys))
        try AgentFixtures.golden().input.withUnsafeBytes { harness.process($0) }
        XCTAssertEqual(harness.statistics().inferences, 1)
        XCTAssertEqual(harness.statistics().features, [])
    }

    func testSketchesAllocateNothingPerInput() throws {
        let keys = try AgentFixtures.keys(self)
        for model in ["kws_ref_model", "vww_96_int8"] {
            let input = try ModelAnalyzer.analyze(try Fixtures.bytes("\(model)/model.tflite")).inputs[0]
            let harness = try InferenceHarness(
                bundleBytes: try AgentFixtures.tensorBaselineBundle(
                    model, name: model.replacingOccurrences(of: "_", with: "-"), keys: keys,
                    tensors: SketchReference.int8Tensors(shape: input.shape, count: 8, seed: 4), embeddingTensor: Self.embeddings[model]),
                verifier: try AgentFixtures.verifier(keys),
                capture: CaptureSettings(enabled: true, maxPerHour: 3600, burst: 4, confidenceBelow: 0.99, randomRate: 0.5))
            let (frame, _) = try AgentFixtures.golden(model)
            try frame.withUnsafeBytes { frame in
                for _ in 0..<10 { harness.process(frame) }
                edgefleet_allocation_counting_begin()
                for _ in 0..<40 { harness.process(frame) }
                let allocations = edgefleet_allocation_counting_end()
                XCTAssertEqual(allocations, 0, "\(model): allocations in 40 inputs with input statistics and embedding sketches")
                _ = try XCTUnwrap(frame.baseAddress)
            }
            let features = harness.statistics().features
            XCTAssertEqual(features.count, input.shape.last! * 2 + 2 + 8)
            XCTAssertTrue(features.allSatisfy { $0.counts.reduce(0, +) == 50 }, model)
        }
    }
}
