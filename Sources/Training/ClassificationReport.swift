/// Accuracy, per-class precision and recall and the confusion matrix of a classifier on labelled rows.
public struct ClassificationReport: Sendable, Equatable, Codable {
    public var rows: Int
    public var accuracy: Double
    /// Class names by index (the model's output order).
    public var classes: [String]
    /// Of the rows predicted as class k, the share that are k (0 when none were predicted).
    public var precision: [Double]
    /// Of the rows of class k, the share predicted as k (0 when the data has none).
    public var recall: [Double]
    /// Rows of each true class.
    public var support: [Int]
    /// confusion[true][predicted] row counts.
    public var confusion: [[Int]]

    /// Builds the report from true and predicted class indices (both into `classes`).
    public init(truth: [Int], predicted: [Int], classes: [String]) {
        precondition(truth.count == predicted.count)
        let k = classes.count
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (t, p) in zip(truth, predicted) { matrix[t][p] += 1 }
        rows = truth.count
        self.classes = classes
        confusion = matrix
        let correct = (0..<k).reduce(0) { $0 + matrix[$1][$1] }
        accuracy = truth.isEmpty ? .nan : Double(correct) / Double(truth.count)
        let counts = matrix.map { $0.reduce(0, +) }
        support = counts
        recall = (0..<k).map { c in counts[c] == 0 ? 0 : Double(matrix[c][c]) / Double(counts[c]) }
        precision = (0..<k).map { c in
            let predictedCount = (0..<k).reduce(0) { $0 + matrix[$1][c] }
            return predictedCount == 0 ? 0 : Double(matrix[c][c]) / Double(predictedCount)
        }
    }
}
