/// The layout of a backup file: one file, read and written front to back, so it can be streamed to tape or a pipe.
///
/// ```
/// "EFBACKUP" u32 format
/// ( 'F' u32 pathLength path u64 size bytes[size] sha256[32] )*      one per state file; the database first
/// 'M' u64 manifestLength manifest-JSON sha256[32] "EFBAKEND"        BackupManifest: every entry again, with checksums
/// ```
/// Integers are little-endian. Each entry carries its checksum after its bytes (the writer hashes while copying);
/// the manifest comes last, so a file cut short anywhere has no manifest and is recognised as truncated.
public enum BackupArchive {
    public static let magic: [UInt8] = Array("EFBACKUP".utf8)
    public static let endMagic: [UInt8] = Array("EFBAKEND".utf8)
    public static let formatVersion: UInt32 = 1
    static let fileTag: UInt8 = UInt8(ascii: "F")
    static let manifestTag: UInt8 = UInt8(ascii: "M")
    /// The database snapshot's entry name; restored as `<state>/collector.sqlite`.
    public static let databaseEntry = "collector.sqlite"
    /// The longest path and manifest a reader accepts (a foreign file must not make it allocate gigabytes).
    static let maximumPathBytes: UInt32 = 4096
    static let maximumManifestBytes: UInt64 = 256 << 20
}
