import ArgumentParser
import Collector

/// `edge-collector restore`: a backup file unpacked and verified into a new state directory (docs/operations.md).
struct CollectorRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup written by `edge-collector backup` into a new, empty state directory.",
        discussion: "Every checksum is verified and the database checked; on any error the directory is left as it was. Then start the collector with --state-directory NEW.")

    @Option(help: "The backup file.")
    var from: String

    @Option(help: "The new state directory (must not exist, or be empty).")
    var stateDirectory: String

    func run() throws {
        do throws(BackupError) {
            let manifest = try StateRestore.restore(from: from, stateDirectory: stateDirectory)
            print("restored \(manifest.entries.count) files into \(stateDirectory) (snapshot taken at \(manifest.createdAt) ms)")
        } catch {
            CollectorBackup.fail(error.code.rawValue, error.message)
        }
    }
}
