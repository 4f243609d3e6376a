#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FleetSupport

/// Whole-file reads and writes through POSIX calls, so key files get their permissions at creation.
///
/// The bundle tools' face of ``FleetSupport/DurableFiles`` (the one implementation the agent shares), throwing
/// ``BundleError``: only the key-file permission check is its own.
public enum FileIO {
    private typealias Shared = DurableFiles

    /// Reads a whole regular file.
    public static func read(_ path: String) throws(BundleError) -> [UInt8] {
        let bytes: [UInt8]?
        do { bytes = try Shared.read(path, regularOnly: true) } catch { throw BundleError(error) }
        guard let bytes else { throw BundleError(Shared.missing(path)) }
        return bytes
    }

    /// Reads a private-key file, refusing one that group or others may read.
    public static func readPrivate(_ path: String) throws(BundleError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw BundleError(.keyFile, Shared.failure("cannot read key file \(path)").message) }
        guard info.st_mode & 0o077 == 0 else {
            throw BundleError(.keyFile,
                "key file \(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        return try read(path)
    }

    /// Writes a file through a temporary name, `fsync` and a rename (and flushes the directory), so readers never
    /// see half a file; the file gets exactly `mode`.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) throws(BundleError) {
        // A per-process temporary name: two tools may write the same file at once.
        do { try Shared.write(path, bytes, mode: mode, exactMode: true, temporarySuffix: ".tmp-\(getpid())") } catch { throw BundleError(error) }
    }

    /// Creates a file that must not exist yet with `mode` from the start (keys are never overwritten).
    public static func createExclusively(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(BundleError) {
        do { try Shared.createExclusively(path, bytes, mode: mode) } catch { throw BundleError(error) }
    }

    public static func exists(_ path: String) -> Bool { Shared.exists(path) }

    public static func isDirectory(_ path: String) -> Bool { Shared.isDirectory(path) }

    /// Creates a directory and its missing parents.
    public static func createDirectory(_ path: String, mode: UInt32 = 0o755) throws(BundleError) {
        do { try Shared.createDirectory(path, mode: mode) } catch { throw BundleError(error) }
    }

    /// Names in a directory, sorted, without `.` and `..`; a missing directory is an error.
    public static func list(_ path: String) throws(BundleError) -> [String] {
        let names: [String]?
        do { names = try Shared.list(path) } catch { throw BundleError(error) }
        guard let names else { throw BundleError(Shared.missing(path, opening: "list")) }
        return names
    }

    /// Moves a file within one file system (durably).
    public static func move(_ source: String, to destination: String) throws(BundleError) {
        do { try Shared.move(source, to: destination) } catch { throw BundleError(error) }
    }
}
