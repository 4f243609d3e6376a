import Collector
import FleetProtocol
import XCTest

/// Plain rules of the storage core: the order of update phases and how telemetry folds into rollups.
/// (PhaseOrder and RollupFolding.)
final class PhaseOrderTests: XCTestCase {
    func testPhasesOrderBySequenceWithinAStream() {
        XCTAssertTrue(PhaseOrder.replaces(stream: "s", seq: 1, recordedStream: nil, recordedSeq: nil))
        XCTAssertTrue(PhaseOrder.replaces(stream: "s", seq: 5, recordedStream: "s", recordedSeq: 4))
        XCTAssertFalse(PhaseOrder.replaces(stream: "s", seq: 4, recordedStream: "s", recordedSeq: 4))
        XCTAssertFalse(PhaseOrder.replaces(stream: "s", seq: 3, recordedStream: "s", recordedSeq: 4), "a late earlier phase")
        XCTAssertTrue(PhaseOrder.replaces(stream: "t", seq: 1, recordedStream: "s", recordedSeq: 4), "a new stream after a wipe")
    }

    func testRollupFoldingMatchesOnePassOverAllReports() {
        let minute = RollupResolution.minute.bucket(containing: 1_764_000_000_000)
        let bundle = BundleReference(name: "m", version: "1", digest: String(repeating: "a", count: 64), releaseCounter: 1)
        var folding = RollupFolding()
        var direct = RollupAccumulator()
        for second in 0..<150 {
            let report = Messages.report(at: minute + Int64(second) * 1000, predictions: [UInt64(second % 3), 1], bundle: bundle)
            folding.add(report, device: "d", at: minute + Int64(second) * 1000)
            direct.add(report)
        }
        let (devices, models) = folding.folded()
        let minutes = devices.filter { $0.key.resolution == .minute }
        XCTAssertEqual(minutes.count, 3, "150 s span three minute buckets")
        XCTAssertEqual(minutes.values.reduce(0) { $0 + $1.reports }, 150)
        for resolution in RollupResolution.allCases where resolution != .minute {
            let buckets = devices.filter { $0.key.resolution == resolution }
            let merged = buckets.values.reduce(into: RollupAccumulator()) { $0.merge($1) }
            XCTAssertEqual(merged.reports, direct.reports)
            XCTAssertEqual(merged.inferences, direct.inferences)
            XCTAssertEqual(merged.predictions, direct.predictions)
        }
        XCTAssertEqual(Set(models.keys.map(\.digest)), [bundle.digest])
    }
}

/// Feature counts survive the rollup blob and add up by name.
final class FeatureCountsBlobTests: XCTestCase {
    func testRoundTripAndAddition() {
        let features = [FeatureCounts(name: "energy", counts: [1, 2, UInt64.max]), FeatureCounts(name: "é", counts: []),
                        FeatureCounts(name: "input.c0.mean", counts: [0, 7])]
        var rollup = RollupAccumulator()
        var report = Messages.report()
        report.features = features
        rollup.add(report)
        report.features = [FeatureCounts(name: "input.c0.mean", counts: [1, 1, 1])]
        rollup.add(report)
        XCTAssertEqual(rollup.features, [FeatureCounts(name: "energy", counts: [1, 2, UInt64.max]), FeatureCounts(name: "é", counts: []),
                                         FeatureCounts(name: "input.c0.mean", counts: [1, 8, 1])])
    }
}
