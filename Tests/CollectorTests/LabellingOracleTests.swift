import Bundles
import Collector
import Drift
import FleetProtocol
import FleetSim
import FleetTestSupport
import Foundation
import TestSupport
import XCTest

/// Simulated devices that run the real vibration model, capture only when the collector asks (a `capture` command to
/// a cohort), and report the true labels of what they captured: what the learning loop is tested with end to end.
final class LabellingOracleTests: XCTestCase {
    func testCaptureCommandsReachACohortWhoseLabelsShowTheDriftedAccuracy() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        defer { Task { await harness.stop() } }
        let root = try Fixtures.temporaryDirectory("oracle")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let bundle = try VibrationBundles.bundle(keys: keys, model: try VibrationBundles.model())
        let digest = Digest.sha256Hex(bundle)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try await harness.store.insert(NewModelVersion(record: ModelVersionRecord(
            model: "vibration-monitor", release: 1, version: "1.0.0", digest: digest, size: bundle.count, manifestSHA256: digest, builtAt: now,
            registeredAt: now, createdBy: "test", source: "upload", lineage: Lineage(datasetSnapshotSHA256: digest, codeVersion: "test"),
            labels: VibrationBundles.classes, requirements: DeviceRequirements(operators: [], arenaBytes: 0, weightsBytes: 0, macs: 0), signers: []),
            manifestJSON: "{}"))

        // The rpi-5-4gb machines' sensors changed: everything above 200 Hz reads 2.5 times higher; the machines did not.
        let baseline = try DriftBaseline.decode(try BundleFile(parsing: bundle).baselineBytes)
        var settings = SimulationSettings(port: harness.broker.port, devices: 6, prefix: "vib", reportsPerSecond: 5,
                                          profiles: ["rpi-4b-2gb", "rpi-zero-2w", "rpi-5-4gb"],
                                          bundle: BundleReference(name: "vibration-monitor", version: "1.0.0", digest: digest, releaseCounter: 1),
                                          classes: VibrationBundles.classes.count,
                                          drift: SimulatedDrift(features: baseline.features.map { .init(name: $0.name, edges: $0.edges) },
                                                                injection: DriftInjection(.gain(factor: 2.5), features: [3, 4, 5, 6, 7]),
                                                                target: .profile("rpi-5-4gb"), rowsPerReport: 40))
        settings.oracle = LabellingOracle(captureRate: 0, labelDelaySeconds: 0.3, maximumPerReport: 8)
        settings.bundleBytes = bundle
        settings.classifier = { BundleClassifier(bundle: $0) }
        let simulator = try FleetSimulator(settings: settings, logger: CollectorHarness.logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }

        try await Task.sleep(for: .seconds(1))
        let unasked = try await harness.store.labelCount(model: "vibration-monitor", devices: nil, since: 0)
        XCTAssertEqual(unasked, 0, "capture rate 0: nothing is captured until the collector asks")

        let cohort = ["vib-2", "vib-5"], others = ["vib-0", "vib-1", "vib-3", "vib-4"]
        let delivered = await harness.collector.distribution.requestCapture(
            CaptureRequest(randomRate: 0.5, maxPerHour: 1_000_000, durationSeconds: 60, reason: "test"), devices: cohort)
        XCTAssertEqual(delivered, 2)
        try await eventually("the cohort's labelled samples arrive", timeout: 30) {
            (try await harness.store.labelCount(model: "vibration-monitor", devices: cohort, since: 0)) >= 60
        }
        let outside = try await harness.store.labelCount(model: "vibration-monitor", devices: others, since: 0)
        XCTAssertEqual(outside, 0, "devices outside the cohort were not asked")

        _ = await harness.collector.distribution.requestCapture(
            CaptureRequest(randomRate: 0.5, maxPerHour: 1_000_000, durationSeconds: 60), devices: ["vib-0"])
        try await eventually("vib-0's labels arrive", timeout: 30) {
            (try await harness.store.labelCount(model: "vibration-monitor", devices: ["vib-0"], since: 0)) >= 60
        }
        let accuracy = try await harness.store.labelAccuracy(model: "vibration-monitor", since: 0)
        let drifted = try XCTUnwrap(accuracy.first { $0.profile == "rpi-5-4gb" }?.accuracy)
        let healthy = try XCTUnwrap(accuracy.first { $0.profile == "rpi-4b-2gb" }?.accuracy)
        XCTAssertLessThan(drifted, 0.6, "the model misreads the changed sensors: labels say so (\(accuracy))")
        XCTAssertGreaterThan(healthy, 0.85, "the same model is right where nothing changed (\(accuracy))")

    }
}
