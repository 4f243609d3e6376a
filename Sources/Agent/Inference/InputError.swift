/// An input the inference loop could not read or use.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The frame's size matches neither the model's raw input nor its float32 form.
        case frameSize
        /// Reading the source failed.
        case io
        /// The source cannot be opened (path missing, socket cannot bind).
        case unavailable
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
