#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX file operations that survive a crash or power cut at any instruction: the one implementation the agent
/// (slots, queue, update state) and the bundle tools (keys, bundles, trust files) share.
///
/// A file is replaced only by writing a temporary file beside it, `fsync`-ing it, renaming it over the old one
/// and `fsync`-ing the directory, so a reader finds either the old or the new content, never half of one.
/// No Foundation: the agent links none.
public enum DurableFiles {
    /// The whole file, or nil when it does not exist.
    ///
    /// Files in /proc and /sys report size 0 and are read until end of file. With `regularOnly`, anything but a
    /// regular file (a directory, a device) is refused.
    public static func read(_ path: String, regularOnly: Bool = false) throws(FileError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw failure("cannot open \(path)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot stat \(path)") }
        if regularOnly, (info.st_mode & S_IFMT) != S_IFREG { throw FileError("\(path) is not a regular file") }
        var bytes = [UInt8](repeating: 0, count: info.st_size > 0 ? Int(info.st_size) : 4096)
        var filled = 0
        while true {
            if filled == bytes.count {
                guard info.st_size == 0 else { break }
                bytes += [UInt8](repeating: 0, count: bytes.count)
            }
            let count = bytes.withUnsafeMutableBytes { posixRead(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read \(path)") }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Replaces `path` with `bytes` atomically and durably, through `path + temporarySuffix`.
    ///
    /// `open` applies the umask to `mode`; with `exactMode` the file gets `mode` exactly (key files). Give writers
    /// that may race (two processes on one file) distinct suffixes.
    public static func write(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644, exactMode: Bool = false,
                             temporarySuffix: String = ".tmp") throws(FileError) {
        let temporary = path + temporarySuffix
        do throws(FileError) {
            try create(temporary, bytes, mode: mode, exactMode: exactMode, exclusive: false)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        try syncDirectory(of: path)
    }

    /// Creates a file that must not exist yet, with exactly `mode` from the start (keys are never overwritten).
    public static func createExclusively(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(FileError) {
        try create(path, bytes, mode: mode, exactMode: true, exclusive: true)
        try syncDirectory(of: path)
    }

    /// Renames `source` over `destination` and makes the rename durable.
    public static func move(_ source: String, to destination: String) throws(FileError) {
        guard rename(source, destination) == 0 else { throw failure("cannot rename \(source) to \(destination)") }
        try syncDirectory(of: destination)
    }

    /// Removes a file (missing is fine); the removal is made durable when `sync` is set.
    public static func remove(_ path: String, sync: Bool = false) throws(FileError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("cannot remove \(path)") }
        if sync { try syncDirectory(of: path) }
    }

    /// Flushes the directory holding `path`, so renames and removals in it survive a power cut.
    public static func syncDirectory(of path: String) throws(FileError) {
        let directory = parent(of: path)
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open directory \(directory)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 || errno == EINVAL else { throw failure("cannot flush directory \(directory)") }
    }

    /// Creates a directory and its missing parents; an existing directory is fine, an existing file is not.
    public static func createDirectory(_ path: String, mode: UInt32 = 0o750) throws(FileError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw FileError("\(path) exists and is not a directory") }
            return
        }
        let up = parent(of: path)
        if up != path, up != "/", up != "." { try createDirectory(up, mode: mode) }
        guard mkdir(path, mode_t(mode)) == 0 || errno == EEXIST else { throw failure("cannot create directory \(path)") }
    }

    /// Names in a directory (without `.` and `..`), sorted; nil when it does not exist.
    public static func list(_ path: String) throws(FileError) -> [String]? {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return nil }
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
    public static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Last modification, seconds since 1970, or nil when the file does not exist.
    public static func modificationTime(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        return Int64(info.st_mtimespec.tv_sec)
        #else
        return Int64(info.st_mtim.tv_sec)
        #endif
    }

    /// Whether anything exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` is a directory (following links).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The permission bits of `path` (`0o600`), or nil when it does not exist.
    public static func permissions(_ path: String) -> UInt32? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt32(info.st_mode & 0o7777) : nil
    }

    /// Writes `bytes` at `offset` of `path` (created if needed); with `sync`, flushes the file first.
    public static func write(_ bytes: [UInt8], at offset: Int, of path: String, sync: Bool) throws(FileError) {
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
    public static func truncate(_ path: String, to length: Int) throws(FileError) {
        guard posixTruncate(path, off_t(length)) == 0 else { throw failure("cannot truncate \(path)") }
    }

    /// Flushes a file's data to storage.
    public static func sync(_ path: String) throws(FileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") }
    }

    /// The directory part of `path`: `.` for a bare name, `/` for a file in the root.
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `message: <strerror(errno)>`, with `errno` kept as the code.
    public static func failure(_ what: String) -> FileError {
        let code = errno
        return FileError("\(what): \(String(cString: strerror(code)))", code: code)
    }

    /// The error of opening a missing file, as the system words it (for callers to whom nil means an error).
    public static func missing(_ path: String, opening what: String = "open") -> FileError {
        FileError("cannot \(what) \(path): \(String(cString: strerror(ENOENT)))", code: ENOENT)
    }

    /// Writes a whole file and flushes it (not yet its directory).
    private static func create(_ path: String, _ bytes: [UInt8], mode: UInt32, exactMode: Bool, exclusive: Bool) throws(FileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), mode_t(mode))
        guard descriptor >= 0 else {
            throw failure(exclusive && errno == EEXIST ? "\(path) already exists; refusing to overwrite it" : "cannot create \(path)")
        }
        defer { close(descriptor) }
        // open() applies the umask; fchmod makes the mode exact (and never wider than asked).
        if exactMode { guard fchmod(descriptor, mode_t(mode)) == 0 else { throw failure("cannot set the mode of \(path)") } }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot write \(path)") }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") }
    }
}

// The POSIX names collide with DurableFiles' own static methods inside the enum.
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

private func posixTruncate(_ path: String, _ length: off_t) -> Int32 {
    truncate(path, length)
}
