/// A float model ready to quantise: the standardisation, the network and what its outputs mean.
public struct TrainedModel: Sendable, Equatable {
    public var task: TrainingTask
    public var standardization: Standardization
    public var network: MultilayerPerceptron
    /// Class names by output index (classifiers); empty for autoencoders.
    public var classNames: [String]
    public var featureNames: [String]

    public init(task: TrainingTask, standardization: Standardization, network: MultilayerPerceptron,
                classNames: [String], featureNames: [String]) {
        self.task = task
        self.standardization = standardization
        self.network = network
        self.classNames = classNames
        self.featureNames = featureNames
    }

    /// Network outputs (logits or reconstructions) for raw row-major features.
    public func outputs(raw features: [Float]) -> [Float] {
        network.outputs(standardization.apply(features))
    }

    /// Predicted class indices (first maximum on ties) for raw row-major features.
    public func predictions(raw features: [Float]) -> [Int] {
        let k = network.outputCount
        let out = outputs(raw: features)
        return (0..<(out.count / k)).map { r in argmax(out[r * k ..< (r + 1) * k]) }
    }

    /// Accuracy of the float model on labelled data.
    public func accuracy(on data: Dataset) -> Double {
        guard data.rowCount > 0 else { return .nan }
        let predicted = predictions(raw: data.features)
        let correct = zip(predicted, data.labels).filter { $0 == $1 }.count
        return Double(correct) / Double(data.rowCount)
    }

    /// Anomaly scores for raw rows: mean squared reconstruction error in standardised units (autoencoders).
    public func anomalyScores(raw features: [Float]) -> [Float] {
        let n = network.inputCount
        let x = standardization.apply(features)
        let y = network.outputs(x)
        return (0..<(x.count / n)).map { r in
            var sum: Float = 0
            for c in 0..<n {
                let d = y[r * n + c] - x[r * n + c]
                sum += d * d
            }
            return sum / Float(n)
        }
    }
}

/// Index of the first maximum.
func argmax<C: Collection>(_ values: C) -> Int where C.Element: Comparable, C.Index == Int {
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best - values.startIndex
}
