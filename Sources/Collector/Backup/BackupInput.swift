#if canImport(Glibc)
import Glibc
#endif

/// A file read with POSIX calls, front to back, telling a clean end from a short read.
///
/// Owns its descriptor: ``close()`` once; not shared between threads.
struct BackupInput {
    let path: String
    private let descriptor: Int32

    init(opening path: String, purpose: BackupError.Code) throws(BackupError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw BackupError(purpose, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
    }

    /// Fills `buffer` completely; returns the bytes read, fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int {
        let (count, code) = readAll(buffer)
        guard code == 0 else { throw BackupError(.unreadableState, "cannot read \(path): \(String(cString: strerror(code)))") }
        return count
    }

    /// Reads until `buffer` is full or the file ends: the bytes read and 0, or the `errno` that stopped it.
    private func readAll(_ buffer: UnsafeMutableRawBufferPointer) -> (Int, Int32) {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.read(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                return (offset, errno)
            }
            if count == 0 { break }
            offset += count
        }
        return (offset, 0)
    }

    /// Exactly `count` bytes, or ``BackupError/Code/truncated`` naming `what` was cut short.
    func readExactly(_ count: Int, _ what: String) throws(BackupError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let (read, code) = bytes.withUnsafeMutableBytes { readAll($0) }
        guard code == 0 else { throw BackupError(.unreadableState, "cannot read \(path): \(String(cString: strerror(code)))") }
        guard read == count else {
            throw BackupError(.truncated, "\(path) ends inside \(what): the backup was cut short (an interrupted copy or a full disk when it was written). Use a complete copy")
        }
        return bytes
    }

    /// The file's size in bytes.
    func size() -> UInt64 {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? UInt64(info.st_size) : 0
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
