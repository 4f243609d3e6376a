import Collector
import XCTest

/// The collector's stream rules as a plain value, without a database.
final class StreamLedgerTests: XCTestCase {
    func store(_ ledger: inout StreamLedger, _ seq: UInt64, head: UInt64 = 1) -> StreamLedger.Verdict {
        let verdict = ledger.classify(seq: seq, head: head)
        if verdict == .store { ledger.record(seq: seq, head: head) }
        return verdict
    }

    func testInOrderMessagesAdvanceThePrefix() {
        var ledger = StreamLedger()
        XCTAssertTrue(ledger.isNew)
        for seq in 1...5 as ClosedRange<UInt64> { XCTAssertEqual(store(&ledger, seq), .store) }
        XCTAssertEqual(ledger.acked, 5)
        XCTAssertTrue(ledger.above.isEmpty)
        XCTAssertEqual(store(&ledger, 3), .duplicate)
    }

    func testAGapHoldsThePrefixUntilFilled() {
        var ledger = StreamLedger()
        _ = store(&ledger, 1)
        _ = store(&ledger, 3)
        _ = store(&ledger, 4)
        XCTAssertEqual(ledger.acked, 1)
        XCTAssertEqual(ledger.above, [3, 4])
        XCTAssertEqual(store(&ledger, 4), .duplicate, "stored above the gap")
        XCTAssertEqual(store(&ledger, 2), .store)
        XCTAssertEqual(ledger.acked, 4)
        XCTAssertTrue(ledger.above.isEmpty)
    }

    func testSettleSkipsWhatTheDeviceDroppedAndKeepsWhatIsStored() {
        var ledger = StreamLedger()
        _ = store(&ledger, 2, head: 1)
        _ = store(&ledger, 5, head: 1)
        _ = store(&ledger, 9, head: 7)
        XCTAssertEqual(ledger.settle(), [1...1, 3...4, 6...6])
        XCTAssertEqual(ledger.acked, 6)
        XCTAssertEqual(ledger.above, [9])
        XCTAssertTrue(ledger.isStored(2))
        XCTAssertTrue(ledger.isStored(5))
        XCTAssertFalse(ledger.isStored(4))
        XCTAssertEqual(store(&ledger, 4, head: 4), .store, "a late copy of a skipped number is data")
        XCTAssertEqual(ledger.skipped, [1...1, 3...3, 6...6])
        XCTAssertEqual(store(&ledger, 4, head: 4), .duplicate)
        XCTAssertEqual(ledger.settle(), [], "a head at or below the prefix settles nothing")
    }

    func testImplausibleMessagesAreQuarantinedAndChangeNothing() {
        var ledger = StreamLedger()
        _ = store(&ledger, 1)
        let before = ledger
        XCTAssertEqual(ledger.classify(seq: 0, head: 0), .quarantine(.sequenceOutOfRange))
        XCTAssertEqual(ledger.classify(seq: (1 << 53) + 1, head: 1), .quarantine(.sequenceOutOfRange))
        XCTAssertEqual(ledger.classify(seq: 4, head: 5), .quarantine(.headAboveSequence))
        XCTAssertEqual(ledger, before, "checks before the far-ahead rule leave the ledger untouched")
        XCTAssertEqual(ledger.classify(seq: 1 + 10_032 + 1, head: 1), .quarantine(.tooFarAhead))
        XCTAssertEqual(ledger.classify(seq: 1 + 10_032, head: 1), .store, "exactly a queue and a window ahead is still plausible")
        XCTAssertEqual(ledger.acked, 1)
    }

    func testANewStreamMayStartAnywhereButNotClaimMoreThanAQueue() {
        var ledger = StreamLedger()
        XCTAssertEqual(ledger.classify(seq: 1 << 40, head: (1 << 40) - 100), .store, "a collector that lost its state meets old streams")
        XCTAssertEqual(ledger.classify(seq: 1 << 40, head: 1), .quarantine(.tooFarAhead), "no device holds 2^40 messages")
        XCTAssertEqual(ledger.classify(seq: 1 << 40, head: 0), .store, "head 0 claims nothing")
    }

    func testAJumpNeedsSeveralDistinctNumbersWithinAQueue() {
        var ledger = StreamLedger()
        _ = store(&ledger, 1)
        let far: UInt64 = 100_000
        XCTAssertEqual(ledger.classify(seq: far + 2, head: far), .quarantine(.tooFarAhead))
        XCTAssertEqual(ledger.classify(seq: far + 2, head: far), .quarantine(.tooFarAhead), "a redelivery counts once")
        XCTAssertEqual(ledger.jump, StreamLedger.JumpCandidate(seqs: [far + 2]))
        XCTAssertEqual(ledger.classify(seq: far + 50_000, head: far), .quarantine(.tooFarAhead), "beyond one queue's span: a new candidate")
        XCTAssertEqual(ledger.jump?.count, 1)
        XCTAssertEqual(ledger.classify(seq: far + 2, head: far), .quarantine(.tooFarAhead))
        XCTAssertEqual(ledger.classify(seq: far + 1, head: far), .quarantine(.tooFarAhead), "order does not matter")
        XCTAssertEqual(ledger.classify(seq: far, head: far), .store)
        ledger.record(seq: far, head: far)
        XCTAssertNil(ledger.jump)
        ledger.settle()
        XCTAssertEqual(ledger.acked, far)
        XCTAssertEqual(ledger.classify(seq: far + 1, head: far), .store)
        XCTAssertEqual(ledger.classify(seq: far + 2, head: far), .store)
    }

    func testLimitsAreConfigurable() {
        var ledger = StreamLedger()
        _ = store(&ledger, 1)
        let tight = StreamLedger.Limits(maximumAhead: 10, maximumSequence: 1000, corroboration: 2)
        XCTAssertEqual(ledger.classify(seq: 12, head: 1, limits: tight), .quarantine(.tooFarAhead))
        XCTAssertEqual(ledger.classify(seq: 14, head: 1, limits: tight), .store, "two distinct numbers suffice here")
        XCTAssertEqual(ledger.classify(seq: 1001, head: 1, limits: tight), .quarantine(.sequenceOutOfRange))
    }

    func testPersistedStateRoundTrips() {
        var ledger = StreamLedger()
        _ = store(&ledger, 3, head: 2)
        _ = store(&ledger, 7, head: 2)
        ledger.settle()
        let reloaded = StreamLedger(acked: ledger.acked, above: ledger.above, skipped: ledger.skipped, highest: ledger.highest, jump: ledger.jump)
        XCTAssertEqual(reloaded, ledger)
    }
}
