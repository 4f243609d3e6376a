/// How often the int8 model and its float reference predict the same class on the held-out rows.
public struct Int8FloatAgreement: Codable, Sendable, Equatable {
    /// Which reference: `trained float model` or `float re-computation of the int8 graph`.
    public var reference: String
    public var rows: Int
    /// Rows on which both predict the same class.
    public var agreeingRows: Int
    /// `agreeingRows / rows`.
    public var agreement: Double
    /// Largest absolute difference between the two output vectors (probabilities) over all rows and classes.
    public var maxAbsoluteDifference: Double

    public init(reference: String, rows: Int, agreeingRows: Int, maxAbsoluteDifference: Double) {
        self.reference = reference
        self.rows = rows
        self.agreeingRows = agreeingRows
        agreement = rows == 0 ? .nan : Double(agreeingRows) / Double(rows)
        self.maxAbsoluteDifference = maxAbsoluteDifference
    }
}
