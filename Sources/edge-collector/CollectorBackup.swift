import ArgumentParser
import Collector

#if canImport(Glibc)
import Glibc
#endif

/// `edge-collector backup`: a hot backup of a collector's state directory into one file (docs/operations.md).
struct CollectorBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up a collector's state (SQLite database, bundles, tokens, trust files) into one file, while it runs.",
        discussion: """
            The database is copied as one consistent snapshot (VACUUM INTO) beside the running collector; every message \
            acknowledged before the backup began is in it. Needs free space for about twice the database next to FILE. \
            With storage.engine postgres, back up the database with pg_dump or base backups instead (docs/operations.md).
            """)

    @Option(help: "The collector's state directory.")
    var stateDirectory: String?

    @Option(help: "The backup file to write (written as FILE.partial, renamed when complete).")
    var out: String

    @Option(help: "The collector's JSON configuration, for stateDirectory, storage.engine and storage.path.")
    var config: String?

    func run() throws {
        var configuration = CollectorConfiguration()
        if let config {
            do throws(CollectorError) { configuration = try CollectorConfiguration.load(path: config) } catch {
                Self.fail(error.code.rawValue, error.message)
            }
        }
        if let stateDirectory { configuration.stateDirectory = stateDirectory }
        guard configuration.storage.engine == .sqlite else {
            Self.fail(BackupError.Code.postgresEngine.rawValue,
                      "storage.engine is postgres: back up the database with pg_dump or a base backup (docs/operations.md), and the state directory's bundles/ with any file copy")
        }
        do throws(BackupError) {
            let manifest = try StateBackup.create(stateDirectory: configuration.stateDirectory, databasePath: configuration.storage.path, out: out)
            let bytes = manifest.entries.reduce(UInt64(0)) { $0 + $1.size }
            print("backup written: \(out) (\(manifest.entries.count) files, \(bytes) bytes, snapshot at \(manifest.createdAt) ms)")
        } catch {
            Self.fail(error.code.rawValue, error.message)
        }
    }

    /// Prints `error: CODE: MESSAGE` on standard error and exits with status 1.
    static func fail(_ code: String, _ message: String) -> Never {
        var standardError = StandardError()
        print("error: \(code): \(message)", to: &standardError)
        Glibc.exit(1)
    }
}
