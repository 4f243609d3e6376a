/// Why a `.tflite` file could not be read: a code to branch on and a message naming what is wrong.
public struct ModelFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The kind of defect found.
    public enum Code: String, Sendable {
        /// The file is shorter than a flatbuffer header or an offset points past its end.
        case truncated
        /// The file identifier is not "TFL3".
        case badIdentifier
        /// An offset, length or vtable entry is inconsistent.
        case corrupt
        /// A field holds a value the schema does not allow (an unknown tensor type, a negative index).
        case invalidValue
        /// The model uses something this reader deliberately does not handle (sparse tensors, several subgraphs called as functions).
        case unsupported
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
