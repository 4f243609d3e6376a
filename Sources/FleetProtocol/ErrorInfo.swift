/// A failure as reported upward: a stable code to count, a message to read.
public struct ErrorInfo: Codable, Sendable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
