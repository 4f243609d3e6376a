/// A failure of the collector: a stable code to count and match, and a message that says what to do.
public struct CollectorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Why an operation failed; stable so that clients and tests can match it.
    public enum Code: String, Sendable, CaseIterable {
        /// A configuration value is missing, malformed or out of range.
        case invalidConfiguration
        /// The database could not be opened, migrated, read or written.
        case storage
        /// The database or its disk is full; ingest pauses until space is freed.
        case storageFull
        /// Another process holds the database's write lock.
        case storageBusy
        /// A request names something that does not exist.
        case notFound
        /// A request conflicts with the current state (an existing version, an immutable field).
        case conflict
        /// A request's body or parameters are malformed.
        case invalidRequest
        /// A bundle failed verification.
        case bundleRejected
        /// Missing or unknown credentials.
        case unauthorized
        /// Valid credentials without the needed role.
        case forbidden
        /// A request body above the configured limit.
        case payloadTooLarge
        /// Reading or writing a file failed.
        case io
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
