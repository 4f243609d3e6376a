/// A configuration value the agent cannot start with: the key that holds it and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The configuration file cannot be read or is not JSON.
        case unreadable
        /// A required key is absent.
        case missing
        /// A key nobody reads (usually a typo).
        case unknownKey
        /// A value of the wrong type or outside its range.
        case invalidValue
        /// A command-line argument the agent does not understand.
        case invalidArgument
    }

    public let code: Code
    /// The dotted key, e.g. `broker.port`; empty for the file as a whole.
    public let key: String
    /// What is wrong and what to do.
    public let reason: String

    public init(_ code: Code, key: String, _ reason: String) {
        self.code = code
        self.key = key
        self.reason = reason
    }

    public var description: String {
        key.isEmpty ? "configuration: \(reason)" : "configuration key '\(key)': \(reason)"
    }
}
