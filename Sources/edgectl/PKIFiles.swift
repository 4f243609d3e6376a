#if canImport(Glibc)
import Glibc
#endif

/// Writes PKI files with the permissions they need: private keys 0600 from the moment they exist (created with
/// that mode, never widened later), certificates and CRLs 0644, directories 0755.
enum PKIFiles {
    /// Writes `text` to a new or truncated file of mode 0600.
    static func writeSecret(_ text: String, to path: String) throws { try write(text, to: path, mode: 0o600) }

    /// Writes `text` to a new or truncated file of mode 0644.
    static func writePublic(_ text: String, to path: String) throws { try write(text, to: path, mode: 0o644) }

    static func makeDirectory(_ path: String) throws {
        if FileAccess.isDirectory(path) { return }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw CommandLineError("cannot create the directory \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func write(_ text: String, to path: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw CommandLineError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        // An existing file keeps its old mode through open(2): set it explicitly.
        guard fchmod(descriptor, mode) == 0 else { throw CommandLineError("cannot set the mode of \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw CommandLineError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw CommandLineError("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}
