#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes through POSIX calls, so key files get their permissions at creation.
public enum FileIO {
    /// Reads a whole file.
    public static func read(_ path: String) throws(BundleError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(path)") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot stat \(path)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw BundleError(.io, "\(path) is not a regular file") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                posixRead(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                if count == 0 { bytes.removeSubrange(filled...); break }
                throw failure("cannot read \(path)")
            }
            filled += count
        }
        return bytes
    }

    /// Reads a private-key file, refusing one that group or others may read.
    public static func readPrivate(_ path: String) throws(BundleError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw failure("cannot read key file \(path)", code: .keyFile) }
        guard info.st_mode & 0o077 == 0 else {
            throw BundleError(.keyFile,
                "key file \(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        return try read(path)
    }

    /// Writes a file through a temporary name and a rename, so readers never see half a file.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) throws(BundleError) {
        let temporary = "\(path).tmp-\(getpid())"
        try write(temporary, bytes, mode: mode, exclusive: false)
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot move \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
    }

    /// Creates a file that must not exist yet with `mode` from the start (keys are never overwritten).
    public static func createExclusively(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(BundleError) {
        try write(path, bytes, mode: mode, exclusive: true)
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a directory and its missing parents.
    public static func createDirectory(_ path: String, mode: UInt32 = 0o755) throws(BundleError) {
        if isDirectory(path) { return }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty, !isDirectory(parent) { try createDirectory(parent, mode: mode) }
        guard mkdir(path, mode_t(mode)) == 0 || errno == EEXIST else { throw failure("cannot create directory \(path)") }
    }

    /// Names in a directory, sorted, without `.` and `..`.
    public static func list(_ path: String) throws(BundleError) -> [String] {
        guard let directory = opendir(path) else { throw failure("cannot list \(path)") }
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

    /// Moves a file within one file system.
    public static func move(_ source: String, to destination: String) throws(BundleError) {
        guard rename(source, destination) == 0 else { throw failure("cannot move \(source) to \(destination)") }
    }

    private static func write(_ path: String, _ bytes: [UInt8], mode: UInt32, exclusive: Bool) throws(BundleError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let descriptor = open(path, flags, mode_t(mode))
        guard descriptor >= 0 else {
            throw failure(exclusive && errno == EEXIST ? "\(path) already exists; refusing to overwrite it" : "cannot create \(path)")
        }
        defer { close(descriptor) }
        // open() applies the umask; fchmod makes the mode exact (and never wider than asked).
        guard fchmod(descriptor, mode_t(mode)) == 0 else { throw failure("cannot set the mode of \(path)") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                posixWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot write \(path)") }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") }
    }

    private static func failure(_ what: String, code: BundleError.Code = .io) -> BundleError {
        BundleError(code, "\(what): \(String(cString: strerror(errno)))")
    }
}

// The POSIX read/write names collide with FileIO's own static methods inside the enum.
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
