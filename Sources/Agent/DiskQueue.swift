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
/// ``acknowledge(through:)`` (the collector stored them) or, past the caps, as the oldest are dropped — counted
/// and reported, and announced to the collector through the `head` field of later messages.
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

    private struct Entry {
        var seq: UInt64
        var bytes: Int
    }

    private struct Persistent: Codable {
        var stream: String
        var acknowledged: UInt64
        var dropped: UInt64
    }

    private struct State {
        var entries: [Entry] = []
        var bytes = 0
        var nextSeq: UInt64 = 1
        var acknowledged: UInt64 = 0
        var dropped: UInt64 = 0
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
            persistent = Persistent(stream: id, acknowledged: 0, dropped: 0)
            try Self.write(persistent, to: directory)
        }
        stream = persistent.stream
        var state = State()
        state.acknowledged = persistent.acknowledged
        state.dropped = persistent.dropped
        var highest = persistent.acknowledged
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
            state.entries.append(Entry(seq: seq, bytes: size))
            state.bytes += size
            highest = max(highest, seq)
        }
        state.entries.sort { $0.seq < $1.seq }
        state.nextSeq = highest + 1
        self.state = Mutex(state)
    }

    /// Assigns the next sequence number, encodes the envelope and stores it durably; returns the number.
    @discardableResult
    public func append<Body: UpwardBody>(_ body: Body, topic: String, time: Int64) throws -> UInt64 {
        let seq = try state.withLock { state throws -> UInt64 in
            let seq = state.nextSeq
            var dropped = 0
            var record: [UInt8]
            // Encoded again after each drop: `head` must name the oldest message still held.
            while true {
                let head = state.entries.first?.seq ?? seq
                let payload = try FleetCodec.encode(body, device: device, stream: stream, seq: seq, head: head, time: time)
                record = Self.record(topic: topic, payload: payload)
                guard !state.entries.isEmpty,
                      state.entries.count + 1 > maxMessages || state.bytes + record.count > maxBytes else { break }
                let oldest = state.entries.removeFirst()
                state.bytes -= oldest.bytes
                try DurableFiles.remove(path(oldest.seq))
                dropped += 1
            }
            if dropped > 0 {
                state.dropped += UInt64(dropped)
                try Self.write(Persistent(stream: stream, acknowledged: state.acknowledged, dropped: state.dropped), to: directory)
            }
            try DurableFiles.write(path(seq), record, mode: 0o640)
            state.entries.append(Entry(seq: seq, bytes: record.count))
            state.bytes += record.count
            state.nextSeq = seq + 1
            return seq
        }
        changes.signal()
        return seq
    }

    /// The first stored sequence number above `seq`, if any.
    public func next(after seq: UInt64) -> UInt64? {
        state.withLock { state in
            // Entries are sorted: binary search for the first above `seq`.
            var low = 0, high = state.entries.count
            while low < high {
                let middle = (low + high) / 2
                if state.entries[middle].seq <= seq { low = middle + 1 } else { high = middle }
            }
            return low < state.entries.count ? state.entries[low].seq : nil
        }
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

    /// Removes every message up to and including `seq`: the collector has stored them durably.
    ///
    /// The acknowledged number is persisted before any file is removed, so a crash in between only leaves
    /// files that the next start removes. Returns how many messages were removed.
    @discardableResult
    public func acknowledge(through seq: UInt64) throws(StorageError) -> Int {
        let removed = try state.withLock { state throws(StorageError) -> Int in
            guard seq > state.acknowledged else { return 0 }
            let bounded = min(seq, state.nextSeq - 1)
            state.acknowledged = bounded
            try Self.write(Persistent(stream: stream, acknowledged: bounded, dropped: state.dropped), to: directory)
            var count = 0
            while let first = state.entries.first, first.seq <= bounded {
                state.entries.removeFirst()
                state.bytes -= first.bytes
                try DurableFiles.remove(path(first.seq))
                count += 1
            }
            return count
        }
        changes.signal()
        return removed
    }

    /// Drops one unreadable message (counted as dropped); later messages announce it through `head`.
    public func discard(_ seq: UInt64) {
        state.withLock { state in
            guard let index = state.entries.firstIndex(where: { $0.seq == seq }) else { return }
            state.bytes -= state.entries[index].bytes
            state.entries.remove(at: index)
            state.dropped += 1
            try? DurableFiles.remove(path(seq))
            try? Self.write(Persistent(stream: stream, acknowledged: state.acknowledged, dropped: state.dropped), to: directory)
        }
    }

    /// Depth, bytes and drops, for telemetry.
    public var status: QueueStatus {
        state.withLock { QueueStatus(depth: $0.entries.count, bytes: $0.bytes, dropped: $0.dropped) }
    }

    /// The lowest sequence number still held (or the next to be assigned when empty).
    public var head: UInt64 { state.withLock { $0.entries.first?.seq ?? $0.nextSeq } }

    /// The highest sequence number assigned so far (0 before the first).
    public var lastAssigned: UInt64 { state.withLock { $0.nextSeq - 1 } }

    /// The highest sequence number the collector acknowledged.
    public var acknowledged: UInt64 { state.withLock { $0.acknowledged } }

    private func path(_ seq: UInt64) -> String {
        let digits = String(seq)
        return "\(directory)/\(String(repeating: "0", count: max(0, 20 - digits.count)))\(digits).msg"
    }

    private static func record(topic: String, payload: [UInt8]) -> [UInt8] {
        let topicBytes = Array(topic.utf8)
        return magic + [UInt8(topicBytes.count & 0xFF), UInt8(topicBytes.count >> 8)] + topicBytes + payload
    }

    private static func write(_ persistent: Persistent, to directory: String) throws(StorageError) {
        let bytes: [UInt8]
        do { bytes = Array(try JSONEncoder().encode(persistent)) } catch {
            throw StorageError(.io, "cannot encode the queue state: \(error)")
        }
        try DurableFiles.write("\(directory)/state.json", bytes, mode: 0o640)
    }
}
