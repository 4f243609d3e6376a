import Training

/// Accuracy, macro-F1 and per-class recall of one model on one set of rows.
public struct ModelMetrics: Codable, Sendable, Equatable {
    /// Rows evaluated.
    public var rows: Int
    public var accuracy: Double
    /// Unweighted mean of per-class F1 over the classes present in the rows' labels or predictions.
    public var macroF1: Double
    /// Mean recall over the classes present in the rows: 1/K for a model answering one class or at random.
    public var balancedAccuracy: Double
    /// Recall of each class present in the rows, by class name.
    public var classRecall: [String: Double]
    /// The full report (precision, recall, support, confusion matrix), in the model's class order.
    public var report: ClassificationReport

    public init(report: ClassificationReport) {
        self.report = report
        rows = report.rows
        accuracy = report.accuracy
        macroF1 = report.macroF1
        var recall: [String: Double] = [:]
        for (k, name) in report.classes.enumerated() where report.support[k] > 0 { recall[name] = report.recall[k] }
        classRecall = recall
        balancedAccuracy = recall.isEmpty ? .nan : recall.values.reduce(0, +) / Double(recall.count)
    }

    /// The class with the lowest recall among those present (first in model order on ties).
    public var weakestClass: (name: String, recall: Double)? {
        var best: (String, Double)?
        for (k, name) in report.classes.enumerated() where report.support[k] > 0 {
            if best == nil || report.recall[k] < best!.1 { best = (name, report.recall[k]) }
        }
        return best.map { (name: $0.0, recall: $0.1) }
    }
}
