import TFLite

/// Why a model could not be prepared or run: a code to branch on and a message a user can act on.
public struct RuntimeError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Code: String, Sendable {
        /// The model uses operators (or operator/type combinations) this runtime does not implement.
        case unsupportedOperator
        /// Tensor shapes, types or quantisation contradict what an operator requires.
        case invalidModel
        /// Caller-supplied data does not match the model (wrong byte count, bad index).
        case invalidInput
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
