import Collector
import XCTest

/// The plain rules of versioned data: sample identity, hash-derived splits, snapshot ids.
final class DatasetSnapshotTests: XCTestCase {
    func sample(_ values: [Float], label: String = "a") -> DatasetSample {
        DatasetSample(model: "m", dtype: "float32", shape: [1, values.count], columns: ["x", "y"], bytes: DatasetSample.float32Bytes(values),
                      label: label, source: "import", capturedAt: 1)
    }

    func testASampleIsIdentifiedByItsContentNotItsLabelOrOrigin() {
        XCTAssertEqual(sample([1, 2], label: "a").hash, sample([1, 2], label: "b").hash)
        XCTAssertNotEqual(sample([1, 2]).hash, sample([2, 1]).hash)
        XCTAssertEqual(sample([1, 2]).hash.count, 64)
        XCTAssertEqual(sample([1.5, -2.25]).values, [1.5, -2.25], "float32 bytes round-trip exactly")
        var int8 = DatasetSample(model: "m", dtype: "int8", shape: [1, 2], columns: ["x0", "x1"], bytes: [0xFF, 10], label: "a", source: "capture",
                                 capturedAt: 1, scale: 0.5, zeroPoint: 2)
        XCTAssertEqual(int8.values, [-1.5, 4], "int8 captures dequantise with their scale and zero point")
        int8.scale = nil
        XCTAssertEqual(int8.values, [-1, 10])
    }

    func testTheSplitFollowsTheHashAloneAndHoldsOutAboutTheShareAsked() {
        let hashes = (0..<2000).map { sample([Float($0), 0]).hash }
        let held = hashes.filter { SnapshotSplit.assign(hash: $0, validationPercent: 20) == .validation }.count
        XCTAssertTrue((300...500).contains(held), "about 20 % of 2000: \(held)")
        XCTAssertEqual(hashes.map { SnapshotSplit.assign(hash: $0, validationPercent: 20) },
                       hashes.map { SnapshotSplit.assign(hash: $0, validationPercent: 20) })
        XCTAssertTrue(hashes.allSatisfy { SnapshotSplit.assign(hash: $0, validationPercent: 0) == .train })
        let atTwenty = Set(hashes.filter { SnapshotSplit.assign(hash: $0, validationPercent: 20) == .validation })
        let atThirty = Set(hashes.filter { SnapshotSplit.assign(hash: $0, validationPercent: 30) == .validation })
        XCTAssertTrue(atTwenty.isSubset(of: atThirty), "a larger share only adds samples to validation")
    }

    func testTheSnapshotIdNamesItsContent() {
        let members = (0..<5).map { SnapshotMember(sampleHash: sample([Float($0), 1]).hash, label: "a", split: .train) }
        func snapshot(_ members: [SnapshotMember], by: String = "x", at: Int64 = 1) -> DatasetSnapshot {
            DatasetSnapshot(model: "m", dtype: "float32", shape: [1, 2], columns: ["x", "y"], validationPercent: 20, members: members,
                            createdAt: at, createdBy: by, filter: SnapshotFilter(model: "m"))
        }
        let base = snapshot(members)
        XCTAssertEqual(base.id, snapshot(members.reversed(), by: "y", at: 9).id)
        var relabelled = members
        relabelled[2].label = "b"
        XCTAssertNotEqual(base.id, snapshot(relabelled).id, "a changed label is another snapshot")
        XCTAssertNotEqual(base.id, snapshot(Array(members.dropLast())).id)
        XCTAssertEqual(base.members.map(\.sampleHash), members.map(\.sampleHash).sorted())
        XCTAssertEqual(SnapshotSummary(base).classCounts, ["a": 5])
    }
}
