import Training

/// One model run over one set of labelled rows: its report and, per row, the output scores it predicted from.
struct HeldOutRun {
    var metrics: ModelMetrics
    /// Output 0 of every row, dequantised (probabilities for the trainer's softmax models).
    var scores: [[Float]]
    var predictions: [Int]
    /// Whether each row was predicted correctly (comparable across models with different class orders).
    var correct: [Bool]

    /// Runs `model` over every row of `data`; errors say which model and which file do not fit together.
    ///
    /// With `unknownLabelsAreErrors` false, rows whose label the model has no output for count as wrong
    /// predictions (the label is added to the report's classes, never predicted): a champion cannot answer a class
    /// the new snapshot introduced, and a candidate that dropped a class cannot answer the champion's rows of it.
    init(_ model: GateModel, on data: Dataset, role: String, unknownLabelsAreErrors: Bool = true) throws(GateError) {
        let evaluator: ModelEvaluator
        do {
            evaluator = try ModelEvaluator(model: model.model)
        } catch {
            throw GateError(.invalidModel, "\(role) \(model.name): \(error.message)")
        }
        if let metadata = evaluator.metadata, metadata.task == .autoencoder {
            throw GateError(.invalidModel, "\(role) \(model.name) is an autoencoder; the gate judges classifiers")
        }
        guard evaluator.classNames.count >= 2 else {
            throw GateError(.invalidModel, "\(role) \(model.name) has \(evaluator.classNames.count) output; a classifier needs at least 2")
        }
        guard data.featureCount == evaluator.featureCount else {
            throw GateError(.mismatch, "\(data.source) has \(data.featureCount) feature columns, but \(role) \(model.name) takes \(evaluator.featureCount) values per input")
        }
        var index = Dictionary(evaluator.classNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var classes = evaluator.classNames
        var truth: [Int] = []
        truth.reserveCapacity(data.rowCount)
        for r in 0..<data.rowCount {
            let name = data.classNames[data.labels[r]]
            if index[name] == nil, !unknownLabelsAreErrors {
                index[name] = classes.count
                classes.append(name)
            }
            guard let k = index[name] else {
                let known = evaluator.classNames.count > 12 ? "\(evaluator.classNames.prefix(12).joined(separator: ", ")), ..." : evaluator.classNames.joined(separator: ", ")
                throw GateError(.mismatch, "\(data.source) line \(data.sourceLines[r]), column \(data.featureCount + 1) (\"\(data.labelName)\"): label \"\(name)\" is not one of \(role) \(model.name)'s classes (\(known))")
            }
            truth.append(k)
        }
        var scores: [[Float]] = []
        var predictions: [Int] = []
        scores.reserveCapacity(data.rowCount)
        predictions.reserveCapacity(data.rowCount)
        for r in 0..<data.rowCount {
            let row: [Float]
            do { row = try evaluator.scores(data.row(r)) } catch {
                throw GateError(.invalidModel, "\(role) \(model.name) on \(data.source) line \(data.sourceLines[r]): \(error.message)")
            }
            scores.append(row)
            predictions.append(Self.argmax(row))
        }
        self.scores = scores
        self.predictions = predictions
        correct = zip(truth, predictions).map { $0 == $1 }
        metrics = ModelMetrics(report: ClassificationReport(truth: truth, predicted: predictions, classes: classes))
    }

    /// Index of the first maximum, as ARG_MAX and the evaluator break ties.
    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
