import Crypto

extension BackupInput {
    /// Copies the next `count` bytes to `output` in 1 MiB chunks and returns their SHA-256: the one loop behind both
    /// writing an entry (``StateBackup``) and unpacking one (``StateRestore``).
    ///
    /// `shortfall` is thrown when the input ends first (a file that shrank while backed up; a cut-short backup);
    /// `writeFailed` maps an output error into the caller's terms (restore reports its own target).
    func copy(_ count: UInt64, to output: BackupOutput, shortfall: () -> BackupError,
              writeFailed: (BackupError) -> BackupError = { $0 }) throws(BackupError) -> [UInt8] {
        var hasher = SHA256()
        var remaining = count
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while remaining > 0 {
            let want = Int(min(UInt64(chunk.count), remaining))
            let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<want]))
            guard got == want else { throw shortfall() }
            let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<got])
            hasher.update(bufferPointer: bytes)
            do throws(BackupError) { try output.write(bytes) } catch { throw writeFailed(error) }
            remaining -= UInt64(got)
        }
        return Array(hasher.finalize())
    }
}
