/// A failed file operation: what was attempted, with the system's reason (`"cannot open /x: No such file or directory"`).
///
/// The agent and the bundle tools wrap it in their own error types, keeping the message.
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The whole message, including the reason.
    public let message: String
    /// The `errno` the operation failed with, or 0 when the failure was not a system call's.
    public let code: Int32

    public init(_ message: String, code: Int32 = 0) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
