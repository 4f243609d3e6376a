#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// POSIX file operations that survive a crash or power cut at any instruction.
///
/// A file is replaced only by writing a temporary file beside it, `fsync`-ing it, renaming it over the old one
/// and `fsync`-ing the directory, so a reader finds either the old or the new content, never half of one.
enum DurableFiles {
    /// The whole file, or nil when it does not exist.
    static func read(_ path: String) throws(StorageError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw failure("cannot open \(path)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot stat \(path)") }
        // Files in /proc and /sys report size 0: read those until end of file.
        var bytes = [UInt8](repeating: 0, count: info.st_size > 0 ? Int(info.st_size) : 4096)
        var filled = 0
        while true {
            if filled == bytes.count {
                guard info.st_size == 0 else { break }
                bytes += [UInt8](repeating: 0, count: bytes.count)
            }
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read \(path)") }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Replaces `path` with `bytes` atomically and durably.
    static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(StorageError) {
        let temporary = "\(path).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        do throws(StorageError) {
            try writeAll(descriptor, bytes, path: temporary)
            guard fsync(descriptor) == 0 else { throw failure("cannot flush \(temporary)") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        try syncDirectory(of: path)
    }

    /// Renames `source` over `destination` and makes the rename durable.
    static func move(_ source: String, to destination: String) throws(StorageError) {
        guard rename(source, destination) == 0 else { throw failure("cannot rename \(source) to \(destination)") }
        try syncDirectory(of: destination)
    }

    /// Removes a file (missing is fine); the removal is made durable when `sync` is set.
    static func remove(_ path: String, sync: Bool = false) throws(StorageError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("cannot remove \(path)") }
        if sync { try syncDirectory(of: path) }
    }

    /// Flushes the directory holding `path`, so renames and removals in it survive a power cut.
    static func syncDirectory(of path: String) throws(StorageError) {
        let directory = parent(of: path)
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open directory \(directory)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 || errno == EINVAL else { throw failure("cannot flush directory \(directory)") }
    }

    /// Creates a directory and its missing parents.
    static func createDirectory(_ path: String, mode: mode_t = 0o750) throws(StorageError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw StorageError(.io, "\(path) exists and is not a directory") }
            return
        }
        let up = parent(of: path)
        if up != path, up != "/", up != "." { try createDirectory(up, mode: mode) }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw failure("cannot create directory \(path)") }
    }

    /// Names in a directory (without `.` and `..`), sorted; empty when it does not exist.
    static func list(_ path: String) throws(StorageError) -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw failure("cannot list \(path)")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Size of a file, or nil when it does not exist.
    static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Last modification, seconds since 1970, or nil when the file does not exist.
    static func modificationTime(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_mtim.tv_sec) : nil
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Writes `bytes` at `offset` of `path` (created if needed); with `sync`, flushes the file first.
    static func write(_ bytes: [UInt8], at offset: Int, of path: String, sync: Bool) throws(StorageError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw failure("cannot open \(path)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(offset + written)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot write \(path)") }
            written += count
        }
        if sync { guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") } }
    }

    /// Cuts a file to `length` bytes.
    static func truncate(_ path: String, to length: Int) throws(StorageError) {
        guard Glibc.truncate(path, off_t(length)) == 0 else { throw failure("cannot truncate \(path)") }
    }

    /// Flushes a file's data to storage.
    static func sync(_ path: String) throws(StorageError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(StorageError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot write \(path)") }
            written += count
        }
    }

    static func failure(_ what: String) -> StorageError {
        StorageError(.io, "\(what): \(String(cString: strerror(errno)))")
    }
}
