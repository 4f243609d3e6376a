/// A failure of the fleet simulator: a stable code and a message that says what to do.
public struct FleetSimError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// A simulation parameter is out of range.
        case invalidConfiguration
        /// The broker could not be reached.
        case connectionFailed
        /// A bundle download did not complete or did not match its digest.
        case downloadFailed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
