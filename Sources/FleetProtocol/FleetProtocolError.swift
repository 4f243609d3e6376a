/// A message or topic that does not follow the fleet protocol.
public struct FleetProtocolError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Why a message or topic was refused; stable so that it can be counted and reported.
    public enum Code: String, Sendable, CaseIterable {
        /// The bytes are not JSON of the expected shape (a missing field, a wrong type).
        case invalidMessage
        /// The message's `v` is not a version this build speaks.
        case unsupportedVersion
        /// The message's `kind` is unknown, or differs from the kind the topic implies.
        case unknownKind
        /// The topic is not one of the protocol's topics.
        case invalidTopic
        /// A device ID that cannot appear in topics or file names.
        case invalidDeviceID
    }

    public let code: Code
    /// What was wrong and what to check, for a person.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
