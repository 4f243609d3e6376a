/// Why the gate could not judge a candidate at all (as opposed to refusing it).
///
/// These are input problems — a malformed CSV, a model that cannot run, data that does not fit the model, a
/// policy with thresholds out of range — so the caller fixes the input and runs the gate again. `message` is one
/// line naming the file, line, column or threshold at fault.
public struct GateError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Code: String, Sendable, Codable {
        /// The held-out or evaluation data is unreadable or malformed (missing or non-numeric cells, NaN, no rows).
        case invalidData
        /// A model cannot be read or run by the project's runtime, or is not a classifier.
        case invalidModel
        /// A model and the data do not fit together: feature count, or labels the model does not know.
        case mismatch
        /// A policy threshold is out of range.
        case invalidPolicy
        /// A file could not be read.
        case io
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        // Callers print the message as one line on stderr; keep it one line whatever the source said.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { message }
}
