import Bundles
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The agent's state directory: bundle slots, the `active` and `previous` pointers, the anti-rollback floor,
/// the accepted trust file and the update record.
///
/// ```
/// slots/<digest>.efb   verified bundles, written atomically
/// active, previous     a digest each, replaced by atomic rename
/// floor                the committed anti-rollback floor (decimal)
/// trust.json           the newest trust file accepted
/// update.json          the update state machine (UpdateRecord)
/// downloads/           partial bundle downloads (<digest>.part)
/// queue/               the telemetry disk queue
/// ```
/// Used by the update service and at start-up only; not meant for concurrent writers.
public struct SlotStore: Sendable {
    public let root: String

    public init(root: String) throws(StorageError) {
        self.root = root
        try DurableFiles.createDirectory(root)
        try DurableFiles.createDirectory("\(root)/slots")
        try DurableFiles.createDirectory("\(root)/downloads")
    }

    public var queueDirectory: String { "\(root)/queue" }
    public var downloadsDirectory: String { "\(root)/downloads" }

    public func slotPath(_ digest: String) -> String { "\(root)/slots/\(digest).efb" }

    public func downloadPath(_ digest: String) -> String { "\(root)/downloads/\(digest).part" }

    /// Digests of the bundles stored in slots.
    public func slots() throws(StorageError) -> [String] {
        try DurableFiles.list("\(root)/slots").filter { $0.hasSuffix(".efb") }.map { String($0.dropLast(4)) }
    }

    /// Writes a verified bundle into its slot: temporary file, fsync, rename, fsync directory.
    public func install(_ bytes: [UInt8], digest: String) throws(StorageError) {
        try DurableFiles.write(slotPath(digest), bytes, mode: 0o640)
    }

    public func removeSlot(_ digest: String) throws(StorageError) {
        try DurableFiles.remove(slotPath(digest), sync: true)
    }

    public func activeDigest() throws(StorageError) -> String? { try pointer("active") }
    public func previousDigest() throws(StorageError) -> String? { try pointer("previous") }

    public func setActive(_ digest: String) throws(StorageError) { try setPointer("active", digest) }

    public func setPrevious(_ digest: String?) throws(StorageError) {
        if let digest { try setPointer("previous", digest) } else { try DurableFiles.remove("\(root)/previous", sync: true) }
    }

    /// The committed anti-rollback floor (0 before the first commit).
    public func floor() throws(StorageError) -> UInt64 {
        guard let bytes = try DurableFiles.read("\(root)/floor") else { return 0 }
        guard let value = UInt64(String(decoding: bytes, as: UTF8.self).trimmed) else {
            throw StorageError(.corrupt, "\(root)/floor does not hold a number")
        }
        return value
    }

    /// Raises the floor to `counter`; never lowers it.
    public func raiseFloor(to counter: UInt64) throws(StorageError) {
        guard counter > (try floor()) else { return }
        try DurableFiles.write("\(root)/floor", Array("\(counter)\n".utf8))
    }

    public func readUpdate() throws(StorageError) -> UpdateRecord? {
        guard let bytes = try DurableFiles.read("\(root)/update.json") else { return nil }
        do { return try JSONDecoder().decode(UpdateRecord.self, from: Data(bytes)) } catch {
            throw StorageError(.corrupt, "\(root)/update.json is not an update record: \(error)")
        }
    }

    public func writeUpdate(_ record: UpdateRecord) throws(StorageError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { try DurableFiles.write("\(root)/update.json", Array(try encoder.encode(record))) } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.io, "cannot encode the update record: \(error)")
        }
    }

    /// The trust store: the pinned root and the newest trust file accepted, seeded from `seed` on first use.
    public func trustStore(root key: VerifyingKey, seed: String?) throws -> TrustStore {
        var store = TrustStore(pinnedRoot: key)
        let path = "\(root)/trust.json"
        if DurableFiles.exists(path) {
            try store.accept(try TrustFile.load(path))
        }
        if let seed {
            // A newer seed (e.g. shipped with a package upgrade) is accepted too; an older one changes nothing.
            let file = try TrustFile.load(seed)
            if file.document.version > store.currentVersion {
                try store.accept(file)
                try saveTrust(file)
            }
        }
        return store
    }

    public func saveTrust(_ file: TrustFile) throws {
        try DurableFiles.write("\(root)/trust.json", try file.encoded())
    }

    private func pointer(_ name: String) throws(StorageError) -> String? {
        guard let bytes = try DurableFiles.read("\(root)/\(name)") else { return nil }
        let digest = String(decoding: bytes, as: UTF8.self).trimmed
        return digest.isEmpty ? nil : digest
    }

    private func setPointer(_ name: String, _ digest: String) throws(StorageError) {
        try DurableFiles.write("\(root)/\(name)", Array("\(digest)\n".utf8))
    }
}

extension String {
    /// Without leading and trailing spaces and newlines.
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\n" || first == "\r" || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\n" || last == "\r" || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
