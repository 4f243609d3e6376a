import FleetSupport

/// The agent's face of ``FleetSupport/DurableFiles``: the same crash-safe POSIX operations (temporary file,
/// `fsync`, rename, directory `fsync`), throwing ``StorageError`` so the services report storage failures in one type.
///
/// Nothing is implemented here; every call forwards to the shared implementation.
enum DurableFiles {
    private typealias Shared = FleetSupport.DurableFiles

    /// The whole file, or nil when it does not exist.
    static func read(_ path: String) throws(StorageError) -> [UInt8]? {
        do { return try Shared.read(path) } catch { throw StorageError(error) }
    }

    /// Replaces `path` with `bytes` atomically and durably.
    static func write(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) throws(StorageError) {
        do { try Shared.write(path, bytes, mode: mode) } catch { throw StorageError(error) }
    }

    /// Renames `source` over `destination` and makes the rename durable.
    static func move(_ source: String, to destination: String) throws(StorageError) {
        do { try Shared.move(source, to: destination) } catch { throw StorageError(error) }
    }

    /// Removes a file (missing is fine); the removal is made durable when `sync` is set.
    static func remove(_ path: String, sync: Bool = false) throws(StorageError) {
        do { try Shared.remove(path, sync: sync) } catch { throw StorageError(error) }
    }

    /// Creates a directory and its missing parents.
    static func createDirectory(_ path: String, mode: UInt32 = 0o750) throws(StorageError) {
        do { try Shared.createDirectory(path, mode: mode) } catch { throw StorageError(error) }
    }

    /// Names in a directory (without `.` and `..`), sorted; empty when it does not exist.
    static func list(_ path: String) throws(StorageError) -> [String] {
        do { return try Shared.list(path) ?? [] } catch { throw StorageError(error) }
    }

    /// Size of a file, or nil when it does not exist.
    static func size(_ path: String) -> Int? { Shared.size(path) }

    /// Last modification, seconds since 1970, or nil when the file does not exist.
    static func modificationTime(_ path: String) -> Int64? { Shared.modificationTime(path) }

    static func exists(_ path: String) -> Bool { Shared.exists(path) }

    static func isDirectory(_ path: String) -> Bool { Shared.isDirectory(path) }

    /// Writes `bytes` at `offset` of `path` (created if needed); with `sync`, flushes the file first.
    static func write(_ bytes: [UInt8], at offset: Int, of path: String, sync: Bool) throws(StorageError) {
        do { try Shared.write(bytes, at: offset, of: path, sync: sync) } catch { throw StorageError(error) }
    }

    /// Cuts a file to `length` bytes.
    static func truncate(_ path: String, to length: Int) throws(StorageError) {
        do { try Shared.truncate(path, to: length) } catch { throw StorageError(error) }
    }

    /// Flushes a file's data to storage.
    static func sync(_ path: String) throws(StorageError) {
        do { try Shared.sync(path) } catch { throw StorageError(error) }
    }
}
