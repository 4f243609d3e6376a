/// Why a drift computation refused its input.
///
/// Every rejection carries a stable machine-readable `code` and a message that says what was wrong and what to do.
public struct DriftError: Error, Equatable, Codable, Sendable, CustomStringConvertible {
    /// The kinds of bad input.
    public enum Code: String, Codable, Sendable {
        /// A histogram's count vector does not match the baseline's bins.
        case binCountMismatch = "bin_count_mismatch"
        /// A count is negative.
        case negativeCount = "negative_count"
        /// A count is not a whole number.
        case nonIntegerCount = "non_integer_count"
        /// A value, edge, centre or count is NaN or infinite.
        case nonFinite = "non_finite"
        /// Bin edges are not strictly increasing.
        case edgesNotIncreasing = "edges_not_increasing"
        /// The baseline has a single distinct value, so quantile bins and a standard deviation do not exist.
        case constantFeature = "constant_feature"
        /// A histogram or column has no observations.
        case empty = "empty"
        /// A feature is named twice, or the current data lacks a baseline feature.
        case featureMismatch = "feature_mismatch"
        /// A policy value is out of range.
        case invalidPolicy = "invalid_policy"
    }

    /// The kind of problem.
    public var code: Code
    /// What was wrong and how to fix it, naming the feature where there is one.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
