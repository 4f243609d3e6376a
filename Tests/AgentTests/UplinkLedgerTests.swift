import Agent
import TestSupport
import XCTest

/// The sender's acknowledgement rules, in process: every decision of ``UplinkLedger`` and its invariants.
final class UplinkLedgerTests: XCTestCase {
    private func ledger(appending count: Int, publishing published: Int = 0) -> UplinkLedger {
        var ledger = UplinkLedger(stream: "s1")
        for _ in 0..<count { _ = ledger.append() }
        for seq in 0..<published { XCTAssertTrue(ledger.markPublished(UInt64(seq + 1))) }
        return ledger
    }

    func testAppendAssignsContiguousNumbersAndHeadNamesTheOldestHeld() {
        var ledger = UplinkLedger(stream: "s1")
        XCTAssertEqual(ledger.head, 1, "empty: the next number to be assigned")
        XCTAssertEqual(ledger.lastAssigned, 0)
        XCTAssertEqual((0..<3).map { _ in ledger.append() }, [1, 2, 3])
        XCTAssertEqual(ledger.head, 1)
        XCTAssertEqual(ledger.held, [1, 2, 3])
        XCTAssertEqual(ledger.lastAssigned, 3)
        XCTAssertEqual(ledger.next(after: 1), 2)
        XCTAssertNil(ledger.next(after: 3))
    }

    func testAcceptedAcknowledgementRemovesThePublishedPrefix() {
        var ledger = ledger(appending: 5, publishing: 3)
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 2), .accepted(through: 2, removed: [1, 2]))
        XCTAssertEqual(ledger.acknowledged, 2)
        XCTAssertEqual(ledger.head, 3)
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 3), .accepted(through: 3, removed: [3]))
        XCTAssertEqual(ledger.held, [4, 5])
        XCTAssertEqual(ledger.dropped, 0)
    }

    func testAcknowledgementForAnotherStreamIsIgnored() {
        var ledger = ledger(appending: 3, publishing: 3)
        let before = ledger
        XCTAssertEqual(ledger.acknowledge(stream: "s2", through: 2), .ignored(.otherStream))
        XCTAssertEqual(ledger.acknowledge(stream: "", through: 1), .ignored(.otherStream))
        XCTAssertEqual(ledger, before, "nothing changed")
    }

    func testAcknowledgementBeyondThePublishedIsIgnoredEvenWhenTheMessagesExist() {
        var ledger = ledger(appending: 40, publishing: 32)
        let before = ledger
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 4_611_686_018_427_387_904), .ignored(.beyondPublished))
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 33), .ignored(.beyondPublished), "held, never published")
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: .max), .ignored(.beyondPublished))
        XCTAssertEqual(ledger, before)
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 32), .accepted(through: 32, removed: Array(1...32)))
        XCTAssertEqual(ledger.held, Array(33...40), "the unpublished ones are all still held")
    }

    func testStaleAcknowledgementIsIgnored() {
        var ledger = ledger(appending: 4, publishing: 4)
        _ = ledger.acknowledge(stream: "s1", through: 3)
        let before = ledger
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 3), .ignored(.stale), "a duplicate")
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 1), .ignored(.stale), "a late one")
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 0), .ignored(.stale))
        XCTAssertEqual(ledger, before)
    }

    func testNothingPublishedNothingAcknowledged() {
        var ledger = ledger(appending: 3)
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 1), .ignored(.beyondPublished))
        XCTAssertEqual(ledger.held, [1, 2, 3])
    }

    func testWatermarkMovesOnlyInOrder() {
        var ledger = ledger(appending: 5)
        XCTAssertFalse(ledger.markPublished(2), "1 was never published: skipping it would let an acknowledgement delete it")
        XCTAssertEqual(ledger.publishedThrough, 0)
        XCTAssertTrue(ledger.markPublished(1))
        XCTAssertTrue(ledger.markPublished(2))
        XCTAssertFalse(ledger.markPublished(2), "again: no change")
        XCTAssertFalse(ledger.markPublished(1), "a resend below the watermark: no change")
        XCTAssertFalse(ledger.markPublished(6), "never assigned")
        XCTAssertEqual(ledger.publishedThrough, 2)
    }

    func testDropsForTheCapAreCountedMoveHeadAndDoNotBlockTheWatermark() {
        var ledger = ledger(appending: 5)
        XCTAssertEqual(ledger.dropOldestForCap(), 1)
        XCTAssertEqual(ledger.dropOldestForCap(), 2)
        XCTAssertEqual(ledger.dropped, 2)
        XCTAssertEqual(ledger.head, 3)
        XCTAssertTrue(ledger.markPublished(3), "the next held number above the watermark")
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 3), .accepted(through: 3, removed: [3]),
                       "dropped numbers are not removed again")
        var empty = UplinkLedger(stream: "s1")
        XCTAssertNil(empty.dropOldestForCap())
        XCTAssertEqual(empty.dropped, 0)
    }

    func testDiscardCountsAsDropped() {
        var ledger = ledger(appending: 3)
        XCTAssertTrue(ledger.discard(2))
        XCTAssertFalse(ledger.discard(2))
        XCTAssertFalse(ledger.discard(9))
        XCTAssertEqual(ledger.held, [1, 3])
        XCTAssertEqual(ledger.dropped, 1)
        XCTAssertTrue(ledger.markPublished(1))
        XCTAssertTrue(ledger.markPublished(3), "2 is gone, so 3 is next in order")
    }

    func testRestoredLedgerTrustsOnlyThePersistedWatermark() {
        // Persisted: acknowledged 4, published through 6; files 5…9 found (7…9 published before a crash or not).
        var ledger = UplinkLedger(stream: "s1", acknowledged: 4, publishedThrough: 6, dropped: 1, held: [9, 3, 5, 7, 6, 8])
        XCTAssertEqual(ledger.held, [5, 6, 7, 8, 9], "leftovers at or below the acknowledged prefix are left out, the rest sorted")
        XCTAssertEqual(ledger.nextSeq, 10)
        XCTAssertEqual(ledger.publishedThrough, 6)
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 8), .ignored(.beyondPublished))
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 6), .accepted(through: 6, removed: [5, 6]))
        XCTAssertTrue(ledger.markPublished(7), "sent again after the restart")
        XCTAssertEqual(ledger.acknowledge(stream: "s1", through: 7), .accepted(through: 7, removed: [7]))

        // Everything acknowledged and no file left: numbering continues after the highest ever assigned.
        let drained = UplinkLedger(stream: "s1", acknowledged: 12, publishedThrough: 12, dropped: 0, held: [])
        XCTAssertEqual(drained.nextSeq, 13)
        XCTAssertEqual(drained.head, 13)
        // An old state file without a watermark: nothing beyond the acknowledged prefix counts as published.
        let old = UplinkLedger(stream: "s1", acknowledged: 3, publishedThrough: 0, dropped: 0, held: [4, 5])
        XCTAssertEqual(old.publishedThrough, 3)
    }

    /// A random walk over every operation: the invariants hold after each step, and no acknowledgement ever
    /// removes a number that was not published.
    func testInvariantsHoldOverARandomWalk() {
        var generator = SeededGenerator(seed: 22)
        var ledger = UplinkLedger(stream: "s1")
        var published = Set<UInt64>()
        for _ in 0..<5_000 {
            switch generator.next() % 6 {
            case 0, 1:
                _ = ledger.append()
            case 2:
                if let next = ledger.next(after: ledger.publishedThrough), ledger.markPublished(next) { published.insert(next) }
            case 3:
                let seq = generator.next() % (ledger.nextSeq + 3)
                let stream = generator.next() % 5 == 0 ? "s2" : "s1"
                if case .accepted(_, let removed) = ledger.acknowledge(stream: stream, through: seq) {
                    XCTAssertTrue(removed.allSatisfy(published.contains), "removed \(removed), published \(published.sorted())")
                }
            case 4:
                if ledger.count > 20 { _ = ledger.dropOldestForCap() }
            default:
                if let seq = ledger.held.randomElement(using: &generator), generator.next() % 10 == 0 { ledger.discard(seq) }
            }
            XCTAssertLessThanOrEqual(ledger.acknowledged, ledger.publishedThrough)
            XCTAssertLessThanOrEqual(ledger.publishedThrough, ledger.lastAssigned)
            XCTAssertEqual(ledger.held, ledger.held.sorted())
            XCTAssertTrue(ledger.held.allSatisfy { $0 > ledger.acknowledged && $0 <= ledger.lastAssigned })
        }
        XCTAssertGreaterThan(ledger.acknowledged, 0, "the walk acknowledged something")
    }
}
