/// Why the agent refused a command from the `cmd` topic; reported in `command.rejected` events and counted in
/// `edge_agent_commands_rejected_total{reason=<code>}` (a fixed set, so the counter's labels stay bounded).
public struct CommandRejection: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, CaseIterable {
        /// The payload is not a command (not JSON, a missing field, an unknown type), or lacks what its type needs.
        case invalidMessage
        /// The command's `v` is not a protocol version this agent speaks.
        case unsupportedVersion
        /// The assignment is malformed or out of range (digest, size, chunk size, durations, agreement).
        case invalidAssignment
        /// Another update is past the point where a new assignment may replace it; assign again after it ends.
        case busy
        /// `cancel` after the switch: the update ends with commit or rollback.
        case tooLate
        /// The assigned bundle already serves.
        case alreadyServing
        /// The trust file was refused (signature, version, expiry: the message names the bundle error's code).
        case trustRefused
        /// The trust file could not be stored.
        case io
        /// More than 16 commands were waiting: the oldest was dropped unread (only counted, never reported).
        case overflow
    }

    public let code: Code
    /// What was wrong, for the operator.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
