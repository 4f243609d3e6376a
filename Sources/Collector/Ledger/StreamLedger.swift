/// The collector's record of one device stream: which sequence numbers are stored, which the device declared
/// dropped, and how far it may acknowledge.
///
/// A plain value with no I/O: a store loads it, feeds it the batch's messages and writes back what changed, so
/// every store (SQLite now, PostgreSQL later) applies the same rules, and the rules are tested without a database.
///
/// The rules (docs/fleet-protocol.md, "What each side trusts"):
/// - **Duplicates are decided by what is stored.** Every number ≤ ``acked`` is stored, or lies in ``skipped``: a
///   range the device's `head` declared dropped. A late copy of a skipped number is stored, not discarded.
/// - **The acknowledged prefix moves only over stored numbers, or below a plausible `head`.** A message is plausible
///   when `1 ≤ seq ≤ 2^53`, `head ≤ seq`, and `seq` is at most ``Limits/maximumAhead`` beyond the highest number the
///   stream has shown (the device's queue capacity plus its publish window: no honest device can be further ahead).
/// - **An implausible message is quarantined**: stored apart by the caller, never stored as data, never moving
///   ``acked``. One forged or corrupt message therefore cannot make the collector discard a stream's real messages.
/// - **A stream that really jumped ahead** (the device dropped more than a queue's worth while the collector was
///   unreachable) shows it by ``Limits/corroboration`` distinct far-ahead numbers within one queue's span, in any
///   order; the ledger then re-bases on them. One injected message never corroborates itself.
public struct StreamLedger: Sendable, Equatable {
    /// Plausibility bounds; the defaults match the agent's default queue (10,000 messages, window 32).
    public struct Limits: Sendable, Equatable {
        /// How far beyond the highest number the stream has shown a new number may lie.
        public var maximumAhead: UInt64
        /// The largest sequence number accepted (2^53: exact in a JSON double and in every store's integer).
        public var maximumSequence: UInt64
        /// Distinct far-ahead numbers within one queue's span that re-base the stream.
        public var corroboration: Int

        public init(maximumAhead: UInt64 = 10_000 + 32, maximumSequence: UInt64 = 1 << 53, corroboration: Int = 3) {
            self.maximumAhead = maximumAhead
            self.maximumSequence = maximumSequence
            self.corroboration = corroboration
        }
    }

    /// Why a message was quarantined.
    public enum QuarantineReason: String, Sendable, Equatable, CaseIterable, Codable {
        /// `seq` is 0 or above ``Limits/maximumSequence``.
        case sequenceOutOfRange
        /// `head` is above `seq`: the device cannot have dropped the message it is sending.
        case headAboveSequence
        /// `seq` lies more than ``Limits/maximumAhead`` beyond what the stream has shown.
        case tooFarAhead
    }

    /// What to do with one message.
    public enum Verdict: Sendable, Equatable {
        /// New: store it, then call ``record(seq:head:)``.
        case store
        /// Already stored: skip it (and acknowledge again).
        case duplicate
        /// Implausible: keep it apart; it must not touch the stream.
        case quarantine(QuarantineReason)
    }

    /// Distinct far-ahead numbers seen close together, which re-base the stream once there are enough.
    public struct JumpCandidate: Sendable, Equatable {
        /// The numbers, ascending and distinct; they span at most ``Limits/maximumAhead``.
        public var seqs: [UInt64]

        public init(seqs: [UInt64]) {
            self.seqs = Array(Set(seqs)).sorted()
        }

        public var high: UInt64 { seqs.last ?? 0 }
        public var count: Int { seqs.count }
    }

    /// Every number ≤ `acked` is stored or in ``skipped``; the collector acknowledges `acked` to the device.
    public private(set) var acked: UInt64
    /// Numbers stored above ``acked`` (a gap is pending below them).
    public private(set) var above: Set<UInt64>
    /// Ranges ≤ ``acked`` not stored because the device's `head` declared them dropped; sorted and disjoint.
    public private(set) var skipped: [ClosedRange<UInt64>]
    /// The highest number stored in this stream (0 before the first).
    public private(set) var highest: UInt64
    /// A run of far-ahead numbers being corroborated, if any.
    public private(set) var jump: JumpCandidate?
    /// The highest plausible `head` recorded since the last ``settle()``.
    private var pendingHead: UInt64 = 0

    /// A stream the collector has never seen.
    public init() {
        self.init(acked: 0, above: [], skipped: [], highest: 0, jump: nil)
    }

    /// A stream as a store persisted it.
    public init(acked: UInt64, above: Set<UInt64>, skipped: [ClosedRange<UInt64>], highest: UInt64, jump: JumpCandidate?) {
        self.acked = acked
        self.above = above
        self.skipped = skipped.sorted { $0.lowerBound < $1.lowerBound }
        self.highest = max(highest, acked, above.max() ?? 0)
        self.jump = jump
    }

    /// Whether the collector holds anything of this stream yet.
    public var isNew: Bool { highest == 0 && acked == 0 }

    /// Whether `seq` is stored (or, for numbers ≤ ``acked`` outside ``skipped``, was stored and acknowledged).
    public func isStored(_ seq: UInt64) -> Bool {
        if seq <= acked { return !isSkipped(seq) }
        return above.contains(seq)
    }

    func isSkipped(_ seq: UInt64) -> Bool {
        // Binary search over sorted disjoint ranges.
        var low = 0
        var high = skipped.count
        while low < high {
            let middle = (low + high) / 2
            if skipped[middle].upperBound < seq { low = middle + 1 } else { high = middle }
        }
        return low < skipped.count && skipped[low].contains(seq)
    }

    /// Decides what to do with a message carrying `seq` and `head` (0: the sender made no claim).
    ///
    /// A far-ahead message also advances the jump candidate, so call this once per received message.
    public mutating func classify(seq: UInt64, head: UInt64, limits: Limits = Limits()) -> Verdict {
        guard seq >= 1, seq <= limits.maximumSequence else { return .quarantine(.sequenceOutOfRange) }
        guard head <= seq else { return .quarantine(.headAboveSequence) }
        if isStored(seq) { return .duplicate }
        let shown = max(highest, acked)
        if !isNew, seq > shown, seq - shown > limits.maximumAhead {
            return corroborate(seq, limits: limits) ? .store : .quarantine(.tooFarAhead)
        }
        if isNew, head > 0, seq - head > limits.maximumAhead {
            // A device cannot hold more than a queue's worth: the claimed head is not believable.
            return .quarantine(.tooFarAhead)
        }
        return .store
    }

    /// Adds `seq` to the far-ahead candidate (or starts one); true once it holds enough distinct numbers to re-base on.
    ///
    /// Numbers count together when they span at most ``Limits/maximumAhead`` (one device queue): arrival order does
    /// not matter, so a broker that reorders a real jump's messages still corroborates it; a redelivered number
    /// counts once.
    mutating func corroborate(_ seq: UInt64, limits: Limits) -> Bool {
        var seqs = jump?.seqs ?? []
        if let low = seqs.first, let high = seqs.last, max(high, seq) - min(low, seq) <= limits.maximumAhead {
            if !seqs.contains(seq) { seqs.append(seq) }
        } else {
            seqs = [seq]
        }
        let candidate = JumpCandidate(seqs: seqs)
        guard candidate.count >= limits.corroboration, let low = candidate.seqs.first else {
            jump = candidate
            return false
        }
        // Re-base: the stream is taken to have shown everything up to the candidate's lowest number, so the
        // candidate's messages (and the device's next ones) are plausible from now on.
        jump = nil
        highest = max(highest, low - 1)
        return true
    }

    /// Records a message the caller has just stored under a `.store` verdict.
    public mutating func record(seq: UInt64, head: UInt64) {
        guard !isStored(seq) else { return }  // only `.store` verdicts are recorded; a repeat changes nothing
        if seq <= acked {
            removeSkipped(seq)
        } else if seq == acked + 1 {
            acked = seq
            while above.remove(acked + 1) != nil { acked += 1 }
        } else {
            above.insert(seq)
        }
        highest = max(highest, seq)
        pendingHead = max(pendingHead, head)
        if let run = jump, run.high <= highest { jump = nil }
    }

    /// Applies the recorded heads: numbers below the highest head that are not stored were dropped by the device;
    /// they become ``skipped`` and the prefix moves past them. Call once per batch, before persisting.
    ///
    /// Returns the ranges newly skipped.
    @discardableResult
    public mutating func settle() -> [ClosedRange<UInt64>] {
        defer { pendingHead = 0 }
        guard pendingHead > 1, pendingHead - 1 > acked else { return [] }
        let target = pendingHead - 1
        var added: [ClosedRange<UInt64>] = []
        var start = acked + 1
        for seq in above.filter({ $0 <= target }).sorted() {
            if seq > start { added.append(start...(seq - 1)) }
            above.remove(seq)
            start = seq + 1
        }
        if start <= target { added.append(start...target) }
        skipped.append(contentsOf: added)
        acked = target
        while above.remove(acked + 1) != nil { acked += 1 }
        return added
    }

    mutating func removeSkipped(_ seq: UInt64) {
        guard let index = skipped.firstIndex(where: { $0.contains(seq) }) else { return }
        let range = skipped.remove(at: index)
        var pieces: [ClosedRange<UInt64>] = []
        if range.lowerBound < seq { pieces.append(range.lowerBound...(seq - 1)) }
        if seq < range.upperBound { pieces.append((seq + 1)...range.upperBound) }
        skipped.insert(contentsOf: pieces, at: index)
    }
}
