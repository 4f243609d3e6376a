/// The sender's side of the acknowledgement protocol as a plain value: which sequence numbers were assigned,
/// which are still held, how far they were published, how far the collector acknowledged them and how many the
/// queue dropped for its caps.
///
/// No I/O and no clock: ``DiskQueue`` keeps one under its lock, stores the messages and persists what the ledger
/// says must survive a restart (docs/fleet-protocol.md, "What the device trusts"). Every operation keeps these
/// invariants:
///
/// - `acknowledged ≤ publishedThrough ≤ lastAssigned`;
/// - `held` is ascending, and every held number is above `acknowledged` and at most `lastAssigned`;
/// - an acknowledgement removes only numbers at or below `publishedThrough`: a message the agent never published
///   is never deleted by an acknowledgement, whatever the peer claims.
///
/// Publication is in order (the uplink always publishes the oldest held number above the last one it sent), so
/// `publishedThrough` is a watermark: ``markPublished(_:)`` advances it only to the next held number above it,
/// and every held number at or below it has been published at least once.
public struct UplinkLedger: Sendable, Equatable {
    /// Why an acknowledgement was ignored.
    public enum IgnoredReason: String, Sendable, Equatable, CaseIterable {
        /// It names another stream (another device's, or this device's before its state was wiped).
        case otherStream
        /// It is above the highest sequence number this agent knows it has published: forged, corrupted, or
        /// (after a crash) for messages published after the watermark was last persisted, which are sent again.
        case beyondPublished
        /// It acknowledges nothing new (a duplicate or a late acknowledgement): normal with resends.
        case stale
    }

    /// What an acknowledgement did.
    public enum Decision: Sendable, Equatable {
        /// The acknowledged prefix moved to `through`; `removed` are the held numbers it covered, oldest first
        /// (numbers dropped for the caps before are not among them).
        case accepted(through: UInt64, removed: [UInt64])
        /// Nothing changed.
        case ignored(IgnoredReason)
    }

    /// The stream the sequence numbers belong to; acknowledgements for any other are ignored.
    public let stream: String
    /// The number ``append()`` assigns next (1 for a new stream).
    public private(set) var nextSeq: UInt64
    /// The end of the prefix the collector acknowledged (0 when nothing was).
    public private(set) var acknowledged: UInt64
    /// The highest number known to have been published (0 when none was).
    public private(set) var publishedThrough: UInt64
    /// Messages dropped for the queue's caps (or as unreadable), ever: never acknowledged, never sent again.
    public private(set) var dropped: UInt64
    /// The numbers still held, ascending.
    public private(set) var held: [UInt64]

    /// A new, empty stream.
    public init(stream: String) {
        self.init(stream: stream, acknowledged: 0, publishedThrough: 0, dropped: 0, held: [])
    }

    /// A ledger restored after a restart from what was persisted and the numbers found on disk.
    ///
    /// Numbers at or below `acknowledged` are left out (their files are leftovers the caller removes).
    /// `publishedThrough` is what was persisted, never more: messages published after the last write of the
    /// watermark count as unpublished until they are published again (see ``IgnoredReason/beyondPublished``).
    /// The next number continues after the highest ever assigned, so numbers are never reused.
    public init(stream: String, acknowledged: UInt64, publishedThrough: UInt64, dropped: UInt64, held: [UInt64]) {
        self.stream = stream
        self.acknowledged = acknowledged
        self.dropped = dropped
        self.held = held.filter { $0 > acknowledged }.sorted()
        let highest = max(acknowledged, publishedThrough, self.held.last ?? 0)
        nextSeq = highest + 1
        self.publishedThrough = max(acknowledged, publishedThrough)
    }

    /// The lowest number still held, or the next to be assigned when none is: what envelopes carry as `head`.
    public var head: UInt64 { held.first ?? nextSeq }

    /// The highest number assigned so far (0 before the first).
    public var lastAssigned: UInt64 { nextSeq - 1 }

    /// How many messages are held.
    public var count: Int { held.count }

    /// Assigns the next sequence number to a new message and holds it.
    public mutating func append() -> UInt64 {
        let seq = nextSeq
        held.append(seq)
        nextSeq += 1
        return seq
    }

    /// Records that `seq` was published; returns whether the watermark moved.
    ///
    /// The watermark moves only to the next held number above it (publication is in order); a number already
    /// below it, or one that would skip a held number never published, changes nothing.
    @discardableResult
    public mutating func markPublished(_ seq: UInt64) -> Bool {
        guard seq > publishedThrough, seq < nextSeq, next(after: publishedThrough) == seq else { return false }
        publishedThrough = seq
        return true
    }

    /// Applies an acknowledgement of every message up to and including `seq` in `stream`.
    ///
    /// Accepted only for this stream, above the acknowledged prefix and at most ``publishedThrough``; anything
    /// else changes nothing and says why.
    public mutating func acknowledge(stream: String, through seq: UInt64) -> Decision {
        guard stream == self.stream else { return .ignored(.otherStream) }
        guard seq > acknowledged else { return .ignored(.stale) }
        guard seq <= publishedThrough else { return .ignored(.beyondPublished) }
        acknowledged = seq
        let covered = held.prefix { $0 <= seq }.count
        let removed = Array(held.prefix(covered))
        held.removeFirst(covered)
        return .accepted(through: seq, removed: removed)
    }

    /// Drops the oldest held message for the queue's caps, counting it; returns its number (nil when none is held).
    public mutating func dropOldestForCap() -> UInt64? {
        guard !held.isEmpty else { return nil }
        dropped += 1
        return held.removeFirst()
    }

    /// Drops one held message that cannot be read, counting it; false when it is not held.
    @discardableResult
    public mutating func discard(_ seq: UInt64) -> Bool {
        guard let index = index(of: seq) else { return false }
        held.remove(at: index)
        dropped += 1
        return true
    }

    /// The first held number above `seq`, if any.
    public func next(after seq: UInt64) -> UInt64? {
        let index = firstIndex(above: seq)
        return index < held.count ? held[index] : nil
    }

    /// Whether `seq` is held.
    public func holds(_ seq: UInt64) -> Bool { index(of: seq) != nil }

    private func index(of seq: UInt64) -> Int? {
        let index = firstIndex(above: seq - min(seq, 1))
        return index < held.count && held[index] == seq ? index : nil
    }

    /// Binary search: the index of the first held number above `seq` (`held.count` when none is).
    private func firstIndex(above seq: UInt64) -> Int {
        var low = 0, high = held.count
        while low < high {
            let middle = (low + high) / 2
            if held[middle] <= seq { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
