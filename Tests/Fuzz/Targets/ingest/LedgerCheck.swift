import Collector
import FuzzSupport

/// The invariants a ``StreamLedger`` keeps after any sequence of verdicts, records and settles (the rules in
/// StreamLedger's documentation), checked after every step of the ingest target.
enum LedgerCheck {
    static func invariants(_ ledger: StreamLedger, after previous: StreamLedger) {
        FuzzDriver.check(ledger.acked >= previous.acked, "acked moved back from \(previous.acked) to \(ledger.acked)")
        FuzzDriver.check(ledger.highest >= ledger.acked, "highest \(ledger.highest) is below acked \(ledger.acked)")
        FuzzDriver.check(ledger.above.allSatisfy { $0 > ledger.acked + 1 && $0 <= ledger.highest },
                         "a number above the prefix is not above acked + 1 (\(ledger.acked)) or exceeds highest")
        var last: UInt64 = 0
        for range in ledger.skipped {
            FuzzDriver.check(range.lowerBound > last || last == 0 && range.lowerBound >= 1, "skipped ranges overlap or are unsorted")
            FuzzDriver.check(range.upperBound <= ledger.acked, "a skipped range \(range) lies above acked \(ledger.acked)")
            last = range.upperBound
        }
        // What was stored stays stored: a later message can never make the collector forget one.
        for seq in previous.above { FuzzDriver.check(ledger.isStored(seq), "stored number \(seq) was forgotten") }
    }
}
