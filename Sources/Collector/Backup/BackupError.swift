/// Why a backup or a restore failed, with what to do about it; the running collector is never touched by either.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The configuration says PostgreSQL: its data is backed up with `pg_dump` or base backups.
        case postgresEngine
        /// The state directory or its database cannot be read.
        case unreadableState
        /// The output file or its directory cannot be written.
        case unwritableOutput
        /// The disk holding the output (or the restore's destination) is full.
        case diskFull
        /// The file is not an EdgeFleet backup.
        case notABackup
        /// The backup ends early (an interrupted copy or transfer).
        case truncated
        /// A checksum or the manifest does not match: the file was damaged.
        case corrupt
        /// The restore's destination exists and is not empty.
        case destinationNotEmpty
        /// The backup holds a database written by a newer collector.
        case newerSchema
        /// Writing the restored state failed.
        case restoreFailed
    }

    public let code: Code
    /// What went wrong and what to do about it, for a person.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
