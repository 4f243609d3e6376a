/// Why data could not be trained on, a model not built, or a training run stopped.
///
/// `message` says what is wrong and where (file, line, column, tensor) so the user can fix the input.
public struct TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Code: String, Sendable {
        /// A CSV file is malformed: missing or non-numeric cells, ragged rows, NaN or infinite values.
        case invalidData
        /// The data set has fewer rows than training needs.
        case tooFewRows
        /// A classifier needs at least two classes.
        case singleClass
        /// A training option is out of range (hidden sizes, epochs, learning rate...).
        case invalidConfiguration
        /// The loss became NaN or infinite; nothing was written.
        case diverged
        /// A model or tensor does not fit what was asked of it (head retraining, evaluation).
        case invalidModel
        /// The project's runtime refused or failed to run a model.
        case runtime
        /// A file could not be read or written.
        case io
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
