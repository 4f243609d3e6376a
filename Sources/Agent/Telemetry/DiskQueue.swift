import FleetProtocol
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A bounded, durable FIFO of upward messages that waits for the collector's acknowledgement.
///
/// One file per message, `<seq>.msg`, written with fsync, rename and directory fsync before `append` returns,
/// so a message the agent has produced survives SIGKILL and power loss. Messages leave only through
/// ``acknowledge(stream:through:)`` (the collector stored them, and they were published: see ``UplinkLedger``)
/// or, past the caps, as the oldest are dropped — counted and reported, and announced to the collector through
/// the `head` field of later messages.
///
/// `state.json` holds the stream, the acknowledged prefix, the drop count and the published watermark. The
/// watermark is written with every other change of the file (acknowledgements, drops) and by ``checkpoint()``
/// at a graceful stop, never on its own hot path; after a crash it may lag (never lead) the truth, which only
/// makes the agent ignore acknowledgements for what it published since and send those messages again.
///
/// Thread-safe: every method may be called from any thread; appends are serialised so sequence numbers and
/// file order agree.
public final class DiskQueue: Sendable {
    /// A stored message, ready to publish.
    public struct Message: Sendable, Equatable {
        public let seq: UInt64
        public let topic: String
        public let payload: [UInt8]
    }

    private struct Persistent: Codable {
        var stream: String
        var acknowledged: UInt64
        var dropped: UInt64
        /// Absent in files written before the watermark existed: then nothing beyond `acknowledged` counts as published.
        var published: UInt64?
    }

    private struct State {
        var ledger: UplinkLedger
        /// File size per held sequence number.
        var sizes: [UInt64: Int] = [:]
        var bytes = 0
    }

    public let directory: String
    public let device: String
    /// Random, created with the queue: the collector keys sequence numbers by device and stream.
    public let stream: String
    public let maxMessages: Int
    public let maxBytes: Int
    private let state: Mutex<State>
    let changes = Wakeup()

    private static let magic: [UInt8] = Array("EFQ1".utf8)

    /// Opens (or creates) the queue in `directory`, dropping files the last run left half-done.
    public init(directory: String, device: String, maxMessages: Int, maxBytes: Int) throws(StorageError) {
        self.directory = directory
        self.device = device
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        try DurableFiles.createDirectory(directory)
        var persistent: Persistent
        if let bytes = try DurableFiles.read("\(directory)/state.json") {
            do { persistent = try JSONDecoder().decode(Persistent.self, from: Data(bytes)) } catch {
                throw StorageError(.corrupt, "\(directory)/state.json is not the queue's state: \(error)")
            }
        } else {
            var generator = SystemRandomNumberGenerator()
            let id = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
            persistent = Persistent(stream: id, acknowledged: 0, dropped: 0, published: 0)
            try Self.write(persistent, to: directory)
        }
        stream = persistent.stream
        var sizes: [UInt64: Int] = [:]
        var bytes = 0
        for name in try DurableFiles.list(directory) {
            let path = "\(directory)/\(name)"
            if name.hasSuffix(".tmp") {
                try DurableFiles.remove(path)
                continue
            }
            guard name.hasSuffix(".msg"), let seq = UInt64(name.dropLast(4)) else { continue }
            if seq <= persistent.acknowledged {
                // Acknowledged before the last run ended, not yet removed.
                try DurableFiles.remove(path)
                continue
            }
            let size = DurableFiles.size(path) ?? 0
            sizes[seq] = size
            bytes += size
        }
        let ledger = UplinkLedger(stream: persistent.stream, acknowledged: persistent.acknowledged,
                                  publishedThrough: persistent.published ?? persistent.acknowledged,
                                  dropped: persistent.dropped, held: Array(sizes.keys))
        self.state = Mutex(State(ledger: ledger, sizes: sizes, bytes: bytes))
    }

    /// Assigns the next sequence number, encodes the envelope and stores it durably; returns the number.
    @discardableResult
    public func append<Body: UpwardBody>(_ body: Body, topic: String, time: Int64) throws -> UInt64 {
        let seq = try state.withLock { state throws -> UInt64 in
            let seq = state.ledger.nextSeq
            var dropped = false
            var record: [UInt8]
            // Encoded again after each drop: `head` must name the oldest message still held.
            while true {
                let payload = try FleetCodec.encode(body, device: device, stream: stream, seq: seq, head: state.ledger.head, time: time)
                record = Self.record(topic: topic, payload: payload)
                guard state.ledger.count > 0,
                      state.ledger.count + 1 > maxMessages || state.bytes + record.count > maxBytes,
                      let oldest = state.ledger.dropOldestForCap() else { break }
                state.bytes -= state.sizes.removeValue(forKey: oldest) ?? 0
                try DurableFiles.remove(path(oldest))
                dropped = true
            }
            if dropped { try Self.write(Self.persistent(state.ledger), to: directory) }
            try DurableFiles.write(path(seq), record, mode: 0o640)
            let assigned = state.ledger.append()
            assert(assigned == seq)
            state.sizes[seq] = record.count
            state.bytes += record.count
            return seq
        }
        changes.signal()
        return seq
    }

    /// The first stored sequence number above `seq`, if any.
    public func next(after seq: UInt64) -> UInt64? {
        state.withLock { $0.ledger.next(after: seq) }
    }

    /// Reads a stored message; nil when it was acknowledged or dropped meanwhile.
    public func message(_ seq: UInt64) throws(StorageError) -> Message? {
        guard let record = try DurableFiles.read(path(seq)) else { return nil }
        guard record.count >= 6, Array(record[0..<4]) == Self.magic else {
            throw StorageError(.corrupt, "\(path(seq)) is not a queued message")
        }
        let topicLength = Int(record[4]) | Int(record[5]) << 8
        guard record.count >= 6 + topicLength else { throw StorageError(.corrupt, "\(path(seq)) is truncated") }
        let topic = String(decoding: record[6..<(6 + topicLength)], as: UTF8.self)
        return Message(seq: seq, topic: topic, payload: Array(record[(6 + topicLength)...]))
    }

    /// Records that `seq` is being published (handed to the MQTT client): acknowledgements may now cover it.
    ///
    /// Memory only; the watermark reaches `state.json` with its next write (see the type's documentation).
    public func markPublished(_ seq: UInt64) {
        state.withLock { _ = $0.ledger.markPublished(seq) }
    }

    /// Applies the collector's acknowledgement of every message up to and including `seq` in `stream`, and
    /// says what it did (see ``UplinkLedger/acknowledge(stream:through:)``: only published messages of this
    /// stream are ever removed).
    ///
    /// The acknowledged number is persisted before any file is removed, so a crash in between only leaves
    /// files that the next start removes.
    @discardableResult
    public func acknowledge(stream: String, through seq: UInt64) throws(StorageError) -> UplinkLedger.Decision {
        let decision = try state.withLock { state throws(StorageError) -> UplinkLedger.Decision in
            var ledger = state.ledger
            let decision = ledger.acknowledge(stream: stream, through: seq)
            guard case .accepted(_, let removed) = decision else { return decision }
            try Self.write(Self.persistent(ledger), to: directory)
            state.ledger = ledger
            for seq in removed {
                state.bytes -= state.sizes.removeValue(forKey: seq) ?? 0
                try DurableFiles.remove(path(seq))
            }
            return decision
        }
        if case .accepted = decision { changes.signal() }
        return decision
    }

    /// Drops one unreadable message (counted as dropped); later messages announce it through `head`.
    public func discard(_ seq: UInt64) {
        state.withLock { state in
            guard state.ledger.discard(seq) else { return }
            state.bytes -= state.sizes.removeValue(forKey: seq) ?? 0
            try? DurableFiles.remove(path(seq))
            try? Self.write(Self.persistent(state.ledger), to: directory)
        }
    }

    /// Persists the published watermark (a graceful stop), so acknowledgements arriving after the restart for
    /// messages published now are accepted without sending them again.
    public func checkpoint() throws(StorageError) {
        try state.withLock { state throws(StorageError) in try Self.write(Self.persistent(state.ledger), to: directory) }
    }

    /// A copy of the ledger: sequence numbers, watermark, acknowledged prefix, drops.
    public var ledger: UplinkLedger { state.withLock { $0.ledger } }

    /// Depth, bytes and drops, for telemetry.
    public var status: QueueStatus {
        state.withLock { QueueStatus(depth: $0.ledger.count, bytes: $0.bytes, dropped: $0.ledger.dropped) }
    }

    /// The lowest sequence number still held (or the next to be assigned when empty).
    public var head: UInt64 { state.withLock { $0.ledger.head } }

    /// The highest sequence number assigned so far (0 before the first).
    public var lastAssigned: UInt64 { state.withLock { $0.ledger.lastAssigned } }

    /// The highest sequence number the collector acknowledged.
    public var acknowledged: UInt64 { state.withLock { $0.ledger.acknowledged } }

    /// The highest sequence number known to have been published.
    public var publishedThrough: UInt64 { state.withLock { $0.ledger.publishedThrough } }

    private func path(_ seq: UInt64) -> String {
        let digits = String(seq)
        return "\(directory)/\(String(repeating: "0", count: max(0, 20 - digits.count)))\(digits).msg"
    }

    private static func record(topic: String, payload: [UInt8]) -> [UInt8] {
        let topicBytes = Array(topic.utf8)
        return magic + [UInt8(topicBytes.count & 0xFF), UInt8(topicBytes.count >> 8)] + topicBytes + payload
    }

    private static func persistent(_ ledger: UplinkLedger) -> Persistent {
        Persistent(stream: ledger.stream, acknowledged: ledger.acknowledged, dropped: ledger.dropped, published: ledger.publishedThrough)
    }

    private static func write(_ persistent: Persistent, to directory: String) throws(StorageError) {
        let bytes: [UInt8]
        do { bytes = Array(try JSONEncoder().encode(persistent)) } catch {
            throw StorageError(.io, "cannot encode the queue state: \(error)")
        }
        try DurableFiles.write("\(directory)/state.json", bytes, mode: 0o640)
    }
}
