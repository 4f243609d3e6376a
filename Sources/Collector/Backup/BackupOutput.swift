#if canImport(Glibc)
import Glibc
#endif

/// A file written with POSIX calls, so a full disk is told apart from a forbidden path by its `errno`.
///
/// Owns its descriptor: ``close()`` once; not shared between threads.
struct BackupOutput {
    let path: String
    private let descriptor: Int32

    init(creating path: String) throws(BackupError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.error(errno, path: path, action: "create") }
        descriptor = fd
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        let code = writeAll(bytes)
        guard code == 0 else { throw Self.error(code, path: path, action: "write") }
    }

    func write(_ bytes: [UInt8]) throws(BackupError) {
        let code = bytes.withUnsafeBytes { writeAll($0) }
        guard code == 0 else { throw Self.error(code, path: path, action: "write") }
    }

    /// Writes all of `bytes`; 0, or the `errno` that stopped it.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    /// Flushes to the disk: a backup reported complete survives a power cut.
    func sync() throws(BackupError) {
        guard fsync(descriptor) == 0 else { throw Self.error(errno, path: path, action: "flush") }
    }

    func close() {
        _ = Glibc.close(descriptor)
    }

    /// Names the cause and the remedy for an `errno` from creating or writing `path`.
    static func error(_ code: Int32, path: String, action: String) -> BackupError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT, EFBIG:
            return BackupError(.diskFull, "cannot \(action) \(path): \(reason). Free space on that disk or write elsewhere; nothing was changed in the state directory")
        default:
            return BackupError(.unwritableOutput, "cannot \(action) \(path): \(reason). Check that the directory exists and is writable by this user")
        }
    }
}
