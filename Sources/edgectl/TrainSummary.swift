import Training

/// The text `edgectl train` prints after a run.
struct TrainSummary {
    var dataset: Dataset
    var outcome: TrainingOutcome
    var configuration: TrainingConfiguration
    var path: String
    var byteCount: Int
    var backbone: String?

    var text: String {
        let t = outcome.training
        var lines: [String] = []
        let kind = configuration.task == .classifier ? "\(dataset.classCount) classes" : "autoencoder"
        lines.append("data      \(dataset.source): \(dataset.rowCount) rows, \(dataset.featureCount) features, \(kind)")
        lines.append("split     \(outcome.trainRows) train (validation \(Int((configuration.validationFraction * 100).rounded()))% of them), \(outcome.testRows) test")
        let network = t.model.network.layers.map { String($0.outputCount) }.joined(separator: "-")
        let head = backbone.map { " on \($0)" } ?? ""
        lines.append("network   \(t.model.network.inputCount)-\(network)\(backbone == nil ? "" : " head")\(head)")
        var stop = t.stoppedEarly ? ", stopped early" : ""
        if configuration.refit, configuration.validationFraction > 0 { stop += "; refit on all training rows for \(t.bestEpoch)" }
        lines.append("training  \(t.history.count) epochs (best \(t.bestEpoch)\(stop)), \(TrainFormat.seconds(t.duration)); quantise+export \(TrainFormat.seconds(outcome.quantizationDuration))")
        if let f = outcome.floatTestAccuracy, let q = outcome.int8TestAccuracy {
            lines.append("test      accuracy float \(TrainFormat.fixed(f, 4)), int8 \(TrainFormat.fixed(q, 4)) (\(outcome.testRows) rows; int8 run by the EdgeFleet runtime)")
        }
        if let f = outcome.floatTestScore, let q = outcome.int8TestScore {
            lines.append("test      mean anomaly score float \(TrainFormat.fixed(f, 4)), int8 \(TrainFormat.fixed(q, 4)) (\(outcome.testRows) rows)")
        }
        let ops = outcome.model.operatorNames.joined(separator: " ")
        lines.append("model     \(path), \(byteCount) bytes, \(ops)")
        return lines.joined(separator: "\n")
    }
}
