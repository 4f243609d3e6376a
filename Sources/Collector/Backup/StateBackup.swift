import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// `edge-collector backup`: one file holding a consistent snapshot of a running collector's SQLite database, its
/// bundle store and the rest of its state directory (tokens, trust files).
///
/// The database is copied with `VACUUM INTO` in one read transaction: a consistent snapshot of everything committed,
/// hence of every message acknowledged, before it began, taken beside a collector that keeps ingesting (WAL readers
/// do not block the writer). The snapshot is staged next to the output, never in the state directory, so a full
/// backup disk cannot fill the collector's disk; the output appears under its name only when complete and flushed
/// (written as `FILE.partial`, then renamed). Bundles are content-addressed and never rewritten, so copying them
/// after the snapshot covers every bundle the snapshot references.
public enum StateBackup {
    /// Files and directories of the state directory that are not copied: the live database (the snapshot replaces
    /// it), partial bundle uploads and training work directories (jobs are recovered at start).
    static let excludedPrefixes = ["bundles/incoming/", "training/"]

    /// Writes the backup of `stateDirectory` to `out`; `databasePath` when `storage.path` puts it elsewhere.
    @discardableResult
    public static func create(stateDirectory: String, databasePath: String? = nil, out: String,
                              clock: any WallClock = SystemWallClock()) throws(BackupError) -> BackupManifest {
        let state = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        let database = databasePath ?? "\(state)/\(BackupArchive.databaseEntry)"
        guard FileManager.default.fileExists(atPath: database) else {
            throw BackupError(.unreadableState, "there is no collector database at \(database); is \(stateDirectory) the collector's state directory (stateDirectory in its configuration)?")
        }
        let partial = "\(out).partial", staging = "\(out).snapshot-partial"
        unlink(staging)
        let output = try BackupOutput(creating: partial)
        var finished = false
        defer {
            output.close()
            for file in [staging, "\(staging)-wal", "\(staging)-shm"] { unlink(file) }
            if !finished { unlink(partial) }
        }
        let createdAt = clock.now()
        let migrations = try snapshot(database, into: staging)
        try output.write(BackupArchive.magic + BackupBytes.le(BackupArchive.formatVersion))
        var entries = [try copy(staging, as: BackupArchive.databaseEntry, to: output)]
        let skipped = Set([database, "\(database)-wal", "\(database)-shm", "\(database)-journal", out, partial, staging]
            .map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        for relative in try stateFiles(state) where !skipped.contains("\(state)/\(relative)") {
            entries.append(try copy("\(state)/\(relative)", as: relative, to: output))
        }
        let manifest = BackupManifest(format: Int(BackupArchive.formatVersion), createdAt: createdAt, migrations: migrations, entries: entries)
        let json: [UInt8]
        do { json = Array(try JSONEncoder().encode(manifest)) } catch {
            throw BackupError(.unwritableOutput, "cannot encode the backup manifest: \(error)")
        }
        try output.write([BackupArchive.manifestTag] + BackupBytes.le(UInt64(json.count)) + json + Array(SHA256.hash(data: json))
            + BackupArchive.endMagic)
        try output.sync()
        guard rename(partial, out) == 0 else { throw BackupOutput.error(errno, path: out, action: "rename \(partial) to") }
        finished = true
        return manifest
    }

    /// `VACUUM INTO` the staging file; returns the snapshot's schema migrations.
    static func snapshot(_ database: String, into staging: String) throws(BackupError) -> [String] {
        var configuration = Configuration()
        // The collector holds the write lock for a commit at a time; the snapshot's read transaction waits for none.
        configuration.busyMode = .timeout(30)
        configuration.label = "edge-collector-backup"
        do {
            let source = try DatabaseQueue(path: database, configuration: configuration)
            defer { try? source.close() }
            try source.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [staging]) }
            let copy = try DatabaseQueue(path: staging)
            defer { try? copy.close() }
            return try copy.read { db in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL:
                throw BackupError(.diskFull, "the disk holding \(staging) filled up while copying the database (\(error.message ?? "SQLITE_FULL")). Free space there or write the backup elsewhere; the running collector was not touched")
            case .SQLITE_CANTOPEN where error.message?.contains(staging) == true || error.sql?.contains("VACUUM") == true:
                throw BackupError(.unwritableOutput, "cannot write the database snapshot \(staging) (\(error.message ?? "SQLITE_CANTOPEN")). Check that the output's directory exists and is writable")
            default:
                throw BackupError(.unreadableState, "cannot snapshot the database \(database): \(error.message ?? "\(error.resultCode)"). Check that it is the collector's database and readable by this user")
            }
        } catch {
            throw BackupError(.unreadableState, "cannot snapshot the database \(database): \(error)")
        }
    }

    /// Regular files under `state`, relative, sorted, minus the excluded ones.
    static func stateFiles(_ state: String) throws(BackupError) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: state) else {
            throw BackupError(.unreadableState, "cannot list the state directory \(state)")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            guard !excludedPrefixes.contains(where: { "\(relative)/".hasPrefix($0) }) else { continue }
            var info = stat()
            guard lstat("\(state)/\(relative)", &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            files.append(relative)
        }
        return files.sorted()
    }

    /// Appends one entry: the header, the bytes hashed while copied, then the checksum.
    static func copy(_ path: String, as name: String, to output: BackupOutput) throws(BackupError) -> BackupManifest.Entry {
        let input = try BackupInput(opening: path, purpose: .unreadableState)
        defer { input.close() }
        let size = input.size()
        let nameBytes = Array(name.utf8)
        try output.write([BackupArchive.fileTag] + BackupBytes.le(UInt32(nameBytes.count)) + nameBytes + BackupBytes.le(size))
        let digest = try input.copy(size, to: output, shortfall: {
            BackupError(.unreadableState, "\(path) shrank while it was being copied; run the backup again")
        })
        try output.write(digest)
        return BackupManifest.Entry(path: name, size: size, sha256: BackupBytes.hex(digest))
    }
}
