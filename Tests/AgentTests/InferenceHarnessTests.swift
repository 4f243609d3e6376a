import Agent
import Bundles
import CAllocationCounter
import FleetProtocol
import Foundation
import XCTest

/// The per-input path of the inference loop: results, errors, preprocessing, drift sketches, no allocation.
final class InferenceHarnessTests: XCTestCase {
    func testPredictionsMatchTheReferenceAndBadFramesCountAsErrors() throws {
        let keys = try AgentFixtures.keys(self)
        let harness = try InferenceHarness(bundleBytes: try AgentFixtures.bundle(keys: keys, featureBaseline: true),
                                           verifier: try AgentFixtures.verifier(keys))
        var expected = [UInt64](repeating: 0, count: 12)
        for number in 0..<3 {
            let (input, output) = try AgentFixtures.golden(case: number)
            input.withUnsafeBytes { harness.process($0) }
            let scores = output.map { Int8(bitPattern: $0) }
            expected[scores.indices.max { scores[$0] < scores[$1] }!] += 1
        }
        [UInt8](repeating: 0, count: 17).withUnsafeBytes { harness.process($0) }
        let statistics = harness.statistics()
        XCTAssertEqual(statistics.inferences, 3)
        XCTAssertEqual(statistics.errors, 1)
        XCTAssertEqual(statistics.predictions, expected)
        XCTAssertEqual(statistics.features.count, 490, "one histogram per input element")
        for feature in statistics.features { XCTAssertEqual(feature.counts.reduce(0, +), 3, feature.name) }
    }

    func testFeatureSketchBinsTheValuesFedToTheModel() throws {
        let keys = try AgentFixtures.keys(self)
        let bundle = try AgentFixtures.bundle(keys: keys, featureBaseline: true)
        let baseline = try DriftBaseline.decode(try BundleFile(parsing: bundle).baselineBytes)
        let harness = try InferenceHarness(bundleBytes: bundle, verifier: try AgentFixtures.verifier(keys))
        let (input, _) = try AgentFixtures.golden(case: 1)
        input.withUnsafeBytes { harness.process($0) }
        let features = harness.statistics().features
        for (index, (feature, reference)) in zip(features, baseline.features).enumerated() {
            let value = 0.5847029089927673 * Double(Int(Int8(bitPattern: input[index])) - 83)
            let expected = try XCTUnwrap(reference.binIndex(for: value))
            XCTAssertEqual(feature.counts[expected], 1, "feature \(index): value \(value) belongs in bin \(expected): \(feature.counts)")
        }
    }

    func testFloat32FramesAreQuantisedWithTheInputScale() throws {
        let keys = try AgentFixtures.keys(self)
        let bundle = try AgentFixtures.bundle(keys: keys)
        let raw = try InferenceHarness(bundleBytes: bundle, verifier: try AgentFixtures.verifier(keys))
        let floats = try InferenceHarness(bundleBytes: bundle, verifier: try AgentFixtures.verifier(keys), format: .float32)
        // kws input: scale 0.5847029, zero point 83.
        let scale: Float = 0.5847029089927673, zero = 83
        for number in 0..<3 {
            let (input, _) = try AgentFixtures.golden(case: number)
            input.withUnsafeBytes { raw.process($0) }
            let values = input.map { Float(Int(Int8(bitPattern: $0)) - zero) * scale }
            values.withUnsafeBytes { floats.process($0) }
        }
        XCTAssertEqual(floats.statistics().errors, 0)
        XCTAssertEqual(floats.statistics().predictions, raw.statistics().predictions)
    }

    func testSteadyStateAllocatesNothingPerInput() throws {
        let keys = try AgentFixtures.keys(self)
        for (model, feature) in [("kws_ref_model", true), ("ad01_int8", false)] {
            let harness = try InferenceHarness(
                bundleBytes: try AgentFixtures.bundle(model, name: model.replacingOccurrences(of: "_", with: "-"), keys: keys,
                                                      featureBaseline: feature),
                verifier: try AgentFixtures.verifier(keys),
                capture: CaptureSettings(enabled: true, maxPerHour: 3600, burst: 4, confidenceBelow: 0.99, randomRate: 0.5))
            let (input, _) = try AgentFixtures.golden(model)
            try input.withUnsafeBytes { frame in
                for _ in 0..<20 { harness.process(frame) }
                edgefleet_allocation_counting_begin()
                for _ in 0..<200 { harness.process(frame) }
                let allocations = edgefleet_allocation_counting_end()
                XCTAssertEqual(allocations, 0, "\(model): allocations in 200 inputs (statistics, sketch, capture, predictions)")
                _ = try XCTUnwrap(frame.baseAddress)
            }
            XCTAssertEqual(harness.statistics().inferences, 220)
            XCTAssertGreaterThan(harness.statistics().captured, 0, "capture ran inside the measured loop")
        }
    }

    /// A `capture` command raises the random capture rate for its duration only, then the configured rate returns.
    func testRaisedCaptureLastsForItsDurationOnly() throws {
        let keys = try AgentFixtures.keys(self)
        let harness = try InferenceHarness(
            bundleBytes: try AgentFixtures.bundle("kws_ref_model", name: "kws-ref-model", keys: keys, featureBaseline: false),
            verifier: try AgentFixtures.verifier(keys),
            capture: CaptureSettings(enabled: true, maxPerHour: 3_600_000, burst: 1000, confidenceBelow: 0, randomRate: 0))
        let (input, _) = try AgentFixtures.golden("kws_ref_model")
        try input.withUnsafeBytes { frame in
            for _ in 0..<50 { harness.process(frame) }
            XCTAssertEqual(harness.statistics().captured, 0, "random rate 0 and no low-confidence threshold: nothing captured")
            try harness.raiseCapture(CaptureRequest(randomRate: 1, maxPerHour: 3_600_000, durationSeconds: 1))
            for _ in 0..<50 { harness.process(frame) }
            let raised = harness.statistics().captured
            XCTAssertGreaterThanOrEqual(raised, 8, "every input qualifies while the raised capture lasts (8 capture slots)")
            Thread.sleep(forTimeInterval: 1.1)
            for _ in 0..<50 { harness.process(frame) }
            XCTAssertEqual(harness.statistics().captured, raised, "the configured rate (0) is back once the duration passed")
        }
        XCTAssertThrowsError(try harness.raiseCapture(CaptureRequest(randomRate: 2, maxPerHour: 1, durationSeconds: 1)))
        XCTAssertThrowsError(try harness.raiseCapture(CaptureRequest(randomRate: 0.5, maxPerHour: 1, durationSeconds: 0)))
    }
}
