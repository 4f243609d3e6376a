import Crypto
import FleetSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Bundles on disk by content: `<root>/sha256/<first two hex digits>/<digest>`.
///
/// A file's name is its SHA-256, so a file is written once, never changed, and any replica with the same
/// directory serves the same bytes. Writes go through a temporary file, fsync and rename (FleetSupport's `DurableFiles`),
/// so a crash leaves either the whole bundle or none.
public struct BundleRepository: Sendable {
    public let root: String

    public init(root: String) throws(CollectorError) {
        self.root = root
        do {
            try FileManager.default.createDirectory(atPath: "\(root)/sha256", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(root)/incoming", withIntermediateDirectories: true)
        } catch {
            throw CollectorError(.io, "cannot create the bundle directory \(root): \(error.localizedDescription); check the state directory's permissions")
        }
    }

    /// SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func digest(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    public func path(of digest: String) -> String {
        "\(root)/sha256/\(digest.prefix(2))/\(digest)"
    }

    /// Stores `bytes` under their digest (a no-op if present) and returns the digest.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws(CollectorError) -> String {
        let digest = Self.digest(of: bytes)
        let destination = path(of: digest)
        if FileManager.default.fileExists(atPath: destination) { return digest }
        let directory = DurableFiles.parent(of: destination)
        let temporary = "\(root)/incoming/\(digest).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        do { try DurableFiles.createDirectory(directory, mode: 0o755) } catch {
            throw CollectorError(.io, "cannot create \(directory): \(error.message)")
        }
        // Written and flushed whole under incoming/, then renamed into place (and the directory flushed).
        do { try DurableFiles.createExclusively(temporary, bytes, mode: 0o644) } catch {
            if error.code != EEXIST { try? DurableFiles.remove(temporary) }
            throw CollectorError(.io, "writing bundle \(digest) failed: \(error.message); check free space and permissions")
        }
        do { try DurableFiles.move(temporary, to: destination) } catch {
            try? DurableFiles.remove(temporary)
            throw CollectorError(.io, "cannot move the bundle into \(destination): \(error.message)")
        }
        return digest
    }

    /// The size of a stored bundle, nil if absent.
    public func size(of digest: String) -> Int? {
        DurableFiles.size(path(of: digest))
    }

    /// Bytes `offset ..< offset + length` of a stored bundle (shorter at the end of the file).
    public func read(_ digest: String, offset: Int, length: Int) throws(CollectorError) -> [UInt8] {
        let fd = open(path(of: digest), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CollectorError(.notFound, "bundle \(digest) is not stored") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(0, length))
        var filled = 0
        let failure: Int32? = buffer.withUnsafeMutableBytes { raw -> Int32? in
            while filled < raw.count {
                let n = pread(fd, raw.baseAddress! + filled, raw.count - filled, off_t(offset + filled))
                if n < 0 { if errno == EINTR { continue }; return errno }
                if n == 0 { break }
                filled += n
            }
            return nil
        }
        if let failure { throw CollectorError(.io, "reading bundle \(digest) failed: \(String(cString: strerror(failure)))") }
        buffer.removeLast(buffer.count - filled)
        return buffer
    }

    /// The whole stored bundle.
    public func read(_ digest: String) throws(CollectorError) -> [UInt8] {
        guard let size = size(of: digest) else { throw CollectorError(.notFound, "bundle \(digest) is not stored") }
        return try read(digest, offset: 0, length: size)
    }
}
