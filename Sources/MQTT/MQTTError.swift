/// An MQTT failure with a reason a person can act on.
public struct MQTTError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The kind of failure, for deciding what to do.
    public let code: Code
    /// What failed, why, and what to check: for logs and people.
    public let message: String
    /// The MQTT reason code the broker sent (CONNACK, PUBACK, SUBACK, DISCONNECT), when there was one.
    public let reasonCode: Int?

    /// Creates an error (the client creates these; public for tests and simulators).
    public init(_ code: Code, _ message: String, reasonCode: Int? = nil) {
        self.code = code
        self.message = message
        self.reasonCode = reasonCode
    }

    /// The code and the message, e.g. `notAuthorized: connecting to ... failed: ...`.
    public var description: String { "\(code.rawValue): \(message)" }
}
