import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// `edge-collector restore`: a backup file (``StateBackup``) unpacked into a new state directory, every checksum and
/// the manifest verified, the database checked, and nothing left behind when any of it fails.
public enum StateRestore {
    /// Restores `backup` into `stateDirectory`, which must not exist or be empty; returns the verified manifest.
    @discardableResult
    public static func restore(from backup: String, stateDirectory: String) throws(BackupError) -> BackupManifest {
        let destination = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        let created = try prepare(destination)
        let input = try BackupInput(opening: backup, purpose: .notABackup)
        defer { input.close() }
        do throws(BackupError) {
            let manifest = try unpack(input, into: destination)
            try check(manifest, in: destination)
            return manifest
        } catch {
            // A failed restore leaves the destination as it was: absent, or empty.
            if created {
                try? FileManager.default.removeItem(atPath: destination)
            } else {
                for child in (try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? [] {
                    try? FileManager.default.removeItem(atPath: "\(destination)/\(child)")
                }
            }
            throw error
        }
    }

    /// Creates the destination, or accepts an empty one; true when it was created here.
    static func prepare(_ destination: String) throws(BackupError) -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw BackupError(.destinationNotEmpty, "\(destination) exists and is not a directory; restore into a new or empty directory")
            }
            let children = (try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? ["?"]
            guard children.isEmpty else {
                throw BackupError(.destinationNotEmpty, "\(destination) is not empty (\(children.count) entries); restore into a new or empty directory, never over a collector's state")
            }
            return false
        }
        do { try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true) } catch {
            throw BackupError(.restoreFailed, "cannot create \(destination): \(error.localizedDescription); check the parent directory's permissions")
        }
        return true
    }

    /// Reads every record, writing entries under `destination`; returns the manifest once it matches them.
    static func unpack(_ input: BackupInput, into destination: String) throws(BackupError) -> BackupManifest {
        let head = try? input.readExactly(12, "the header")
        guard let head, Array(head.prefix(8)) == BackupArchive.magic else {
            throw BackupError(.notABackup, "\(input.path) is not an EdgeFleet backup (it does not start with EFBACKUP); give a file written by `edge-collector backup`")
        }
        let format = BackupBytes.integer(Array(head.suffix(4)), as: UInt32.self)
        guard format == BackupArchive.formatVersion else {
            throw BackupError(.notABackup, "\(input.path) has backup format \(format); this edge-collector reads format \(BackupArchive.formatVersion). Restore it with the version that wrote it")
        }
        var entries: [BackupManifest.Entry] = []
        while true {
            let tag = try input.readExactly(1, "a record header")[0]
            switch tag {
            case BackupArchive.fileTag:
                entries.append(try unpackEntry(input, into: destination))
            case BackupArchive.manifestTag:
                let length = BackupBytes.integer(try input.readExactly(8, "the manifest"), as: UInt64.self)
                guard length <= BackupArchive.maximumManifestBytes else {
                    throw BackupError(.corrupt, "\(input.path) declares a manifest of \(length) bytes; the file is damaged")
                }
                let json = try input.readExactly(Int(length), "the manifest")
                let checksum = try input.readExactly(32, "the manifest's checksum")
                guard Array(SHA256.hash(data: json)) == checksum else {
                    throw BackupError(.corrupt, "the manifest of \(input.path) does not match its checksum; the file is damaged, use another copy")
                }
                guard try input.readExactly(8, "the end marker") == BackupArchive.endMagic else {
                    throw BackupError(.corrupt, "\(input.path) has no end marker after its manifest; the file is damaged")
                }
                guard let manifest = try? JSONDecoder().decode(BackupManifest.self, from: Data(json)), manifest.entries == entries else {
                    throw BackupError(.corrupt, "the manifest of \(input.path) does not list the files the backup holds; the file is damaged")
                }
                return manifest
            default:
                throw BackupError(.corrupt, "\(input.path) has an unknown record (byte \(tag)); the file is damaged or not a backup")
            }
        }
    }

    /// One file: validated path, bytes copied and hashed, checksum compared.
    static func unpackEntry(_ input: BackupInput, into destination: String) throws(BackupError) -> BackupManifest.Entry {
        let length = BackupBytes.integer(try input.readExactly(4, "a file header"), as: UInt32.self)
        guard length > 0, length <= BackupArchive.maximumPathBytes else {
            throw BackupError(.corrupt, "\(input.path) declares a file name of \(length) bytes; the file is damaged")
        }
        let name = String(decoding: try input.readExactly(Int(length), "a file name"), as: UTF8.self)
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw BackupError(.corrupt, "\(input.path) names a file outside the state directory (\(name)); refusing it")
        }
        let size = BackupBytes.integer(try input.readExactly(8, "a file header"), as: UInt64.self)
        let target = "\(destination)/\(name)"
        do {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw BackupError(.restoreFailed, "cannot create the directory of \(target): \(error.localizedDescription)")
        }
        let output: BackupOutput
        do throws(BackupError) { output = try BackupOutput(creating: target) } catch { throw restoreError(error) }
        defer { output.close() }
        let digest = try input.copy(size, to: output, shortfall: {
            BackupError(.truncated, "\(input.path) ends inside \(name): the backup was cut short (an interrupted copy or a full disk when it was written). Use a complete copy")
        }, writeFailed: restoreError)
        guard try input.readExactly(32, "the checksum of \(name)") == digest else {
            throw BackupError(.corrupt, "\(name) in \(input.path) does not match its checksum; the file is damaged, use another copy")
        }
        do throws(BackupError) { try output.sync() } catch { throw restoreError(error) }
        return BackupManifest.Entry(path: name, size: size, sha256: BackupBytes.hex(digest))
    }

    /// The restored state is usable by this build: a database, of a schema it knows, that SQLite finds intact.
    static func check(_ manifest: BackupManifest, in destination: String) throws(BackupError) {
        let unknown = Set(manifest.migrations).subtracting(SQLiteStore.migrator.migrations)
        guard unknown.isEmpty else {
            throw BackupError(.newerSchema, "the backup holds a database written by a newer edge-collector (schema migrations this version does not know: \(unknown.sorted().joined(separator: ", "))); restore it with that version or a newer one")
        }
        guard manifest.entries.contains(where: { $0.path == BackupArchive.databaseEntry }) else {
            throw BackupError(.corrupt, "the backup holds no database (\(BackupArchive.databaseEntry)); it is damaged or not a collector backup")
        }
        let result: String?
        do {
            let database = try DatabaseQueue(path: "\(destination)/\(BackupArchive.databaseEntry)")
            defer { try? database.close() }
            result = try database.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
        } catch {
            throw BackupError(.corrupt, "the restored database cannot be opened: \(error); the backup is damaged, use another copy")
        }
        guard result == "ok" else {
            throw BackupError(.corrupt, "SQLite finds the restored database damaged (\(result ?? "no answer")); use another copy of the backup")
        }
    }

    /// A destination write failure: a full disk stays ``BackupError/Code/diskFull``, anything else is a failed restore.
    static func restoreError(_ error: BackupError) -> BackupError {
        error.code == .diskFull ? error : BackupError(.restoreFailed, error.message)
    }
}
