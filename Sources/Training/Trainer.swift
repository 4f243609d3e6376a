/// Trains multilayer perceptrons in float32 with mini-batch Adam, L2 and early stopping; seeded and reproducible.
///
/// The same data, configuration and seed give bit-identical weights: one thread, a fixed summation order and
/// the trainer's own random source. The batch loop allocates nothing (see `TrainingWorkspace`).
public struct Trainer: Sendable {
    public var configuration: TrainingConfiguration

    /// Fewer rows than this are refused: no split could both train and check a model.
    public static let minimumRows = 10

    public init(configuration: TrainingConfiguration = TrainingConfiguration()) {
        self.configuration = configuration
    }

    /// Checks that `data` can be trained on with this configuration, before any work is done.
    public func check(_ data: Dataset) throws(TrainingError) {
        try configuration.validate()
        guard data.featureCount >= 1 else {
            throw TrainingError(.invalidData, "\(data.source) has no feature columns: the last column is the label")
        }
        guard data.rowCount >= Self.minimumRows else {
            throw TrainingError(.tooFewRows, "\(data.source) has \(data.rowCount) training rows; at least \(Self.minimumRows) are needed")
        }
        if configuration.task == .classifier, data.classCount < 2 {
            let only = data.classNames.first.map { " (\"\($0)\")" } ?? ""
            throw TrainingError(.singleClass, "\(data.source): the label column \"\(data.labelName)\" has only one class\(only); a classifier needs at least two")
        }
    }

    /// Trains on `data`, holding out `validationFraction` of it for early stopping.
    ///
    /// The standardisation is fitted on all of `data`. `progress` is called after every epoch.
    /// Throws `.diverged` when the loss stops being finite.
    public func train(_ data: Dataset, progress: (EpochReport) -> Void = { _ in }) throws(TrainingError) -> TrainingResult {
        try check(data)
        let c = configuration
        let standardization = Standardization(fitting: data)
        let (fit, validation) = c.validationFraction > 0 ? data.holdOut(fraction: c.validationFraction, seed: c.seed) : (data, data.subset([]))
        let clock = ContinuousClock()
        let start = clock.now

        let outputs = c.task == .classifier ? data.classCount : data.featureCount
        let sizes = [data.featureCount] + c.hiddenLayers + [outputs]
        let ws = TrainingWorkspace(sizes: sizes, batchCapacity: max(min(c.batchSize, data.rowCount), 1))
        let s0 = ws.strides[0]
        let fitX = padded(standardization.apply(fit.features), features: data.featureCount, stride: s0)
        let validX = padded(standardization.apply(validation.features), features: data.featureCount, stride: s0)

        initialise(ws)
        var history: [EpochReport] = []
        let search = try runEpochs(ws, x: fitX, labels: fit.labels, epochs: c.maxEpochs, validationX: validX,
                                   validationLabels: validation.labels) { report in
            history.append(report)
            progress(report)
        }
        if validation.rowCount > 0 { ws.restoreBest() }
        var bestEpoch = search.bestEpoch
        if c.refit, validation.rowCount > 0 {
            // Early stopping chose the epoch count; the final weights learn from every row for that long.
            initialise(ws)
            let allX = padded(standardization.apply(data.features), features: data.featureCount, stride: s0)
            _ = try runEpochs(ws, x: allX, labels: data.labels, epochs: search.bestEpoch, validationX: [],
                              validationLabels: []) { _ in }
            bestEpoch = search.bestEpoch
        }
        let model = TrainedModel(task: c.task, standardization: standardization, network: ws.network(),
                                 classNames: c.task == .classifier ? data.classNames : [], featureNames: data.featureNames)
        return TrainingResult(model: model, history: history, bestEpoch: bestEpoch, stoppedEarly: search.stoppedEarly,
                              duration: clock.now - start)
    }

    /// Up to `epochs` epochs of shuffled mini-batches; with validation rows, tracks the best weights (saved in
    /// the workspace) and stops after `patience` epochs without improvement.
    private func runEpochs(_ ws: TrainingWorkspace, x trainX: [Float], labels: [Int], epochs: Int, validationX: [Float],
                           validationLabels: [Int], report: (EpochReport) -> Void) throws(TrainingError)
        -> (bestEpoch: Int, stoppedEarly: Bool) {
        let c = configuration
        let s0 = ws.strides[0]
        let batch = min(c.batchSize, ws.batchCapacity)
        var order = Array(0..<labels.count)
        let batchLabels = UnsafeMutablePointer<Int>.allocate(capacity: max(ws.batchCapacity, 1))
        defer { batchLabels.deallocate() }
        var random = TrainingRandom(seed: c.seed &+ 1)
        var bestLoss = Float.infinity
        var bestEpoch = 0
        var step = 0
        ws.resetOptimizer()
        for epoch in 1...max(epochs, 1) {
            random.shuffle(&order)
            var lossSum: Double = 0
            var begin = 0
            trainX.withUnsafeBufferPointer { xs in
                while begin < order.count {
                    let rows = min(batch, order.count - begin)
                    for r in 0..<rows {
                        let i = order[begin + r]
                        (ws.activations[0] + r * s0).update(from: xs.baseAddress! + i * s0, count: s0)
                        batchLabels[r] = labels[i]
                    }
                    for layer in 0..<ws.layerCount { ws.forward(layer, rows: rows) }
                    lossSum += Double(lossAndDelta(ws, rows: rows, labels: batchLabels, writeDelta: true))
                    for layer in stride(from: ws.layerCount - 1, through: 0, by: -1) {
                        ws.backward(layer, rows: rows, propagate: layer > 0)
                    }
                    ws.addWeightDecay(c.l2)
                    step += 1
                    ws.adamStep(learningRate: c.learningRate, t: step)
                    begin += rows
                }
            }
            let loss = Float(lossSum / Double(max(labels.count, 1)))
            var epochReport = EpochReport(epoch: epoch, maxEpochs: epochs, loss: loss, validationLoss: .nan,
                                          validationAccuracy: .nan, bestEpoch: epoch)
            guard loss.isFinite else { throw diverged(epoch) }
            if !validationLabels.isEmpty {
                let (vLoss, vAccuracy) = evaluate(ws, x: validationX, labels: validationLabels, batch: batch, labelsBuffer: batchLabels)
                guard vLoss.isFinite else { throw diverged(epoch) }
                epochReport.validationLoss = vLoss
                epochReport.validationAccuracy = c.task == .classifier ? vAccuracy : .nan
                if vLoss < bestLoss - 1e-4 {
                    bestLoss = vLoss
                    bestEpoch = epoch
                    ws.saveBest()
                }
                epochReport.bestEpoch = bestEpoch
            } else {
                bestEpoch = epoch
            }
            report(epochReport)
            if !validationLabels.isEmpty, epoch - bestEpoch >= c.patience {
                return (bestEpoch, epoch < epochs)
            }
        }
        return (bestEpoch, false)
    }

    private func diverged(_ epoch: Int) -> TrainingError {
        TrainingError(.diverged, "training diverged at epoch \(epoch): the loss is NaN or infinite; no model was written. Try a lower learning rate (now \(configuration.learningRate)) or check the data for extreme values")
    }

    /// Glorot-uniform weights (bound √(6 / (fan_in + fan_out))), zero biases.
    private func initialise(_ ws: TrainingWorkspace) {
        var random = TrainingRandom(seed: configuration.seed)
        ws.parameters.update(repeating: 0, count: ws.parameterCount)
        for layer in 0..<ws.layerCount {
            let nIn = ws.sizes[layer], nOut = ws.sizes[layer + 1], sIn = ws.strides[layer]
            let bound = Float((6.0 / Double(nIn + nOut)).squareRoot())
            let w = ws.weights(layer)
            for o in 0..<nOut {
                for i in 0..<nIn { w[o * sIn + i] = random.uniform(-bound, bound) }
            }
        }
        ws.saveBest()
    }

    private func padded(_ values: [Float], features: Int, stride: Int) -> [Float] {
        guard features > 0 else { return [] }
        let rows = values.count / features
        var out = [Float](repeating: 0, count: rows * stride)
        for r in 0..<rows {
            for c in 0..<features { out[r * stride + c] = values[r * features + c] }
        }
        return out
    }

    /// Summed loss of the batch in the output activations; with `writeDelta`, the output layer's deltas
    /// (of the batch-mean loss). Classifiers: softmax cross-entropy; autoencoders: MSE against the input.
    private func lossAndDelta(_ ws: TrainingWorkspace, rows: Int, labels: UnsafeMutablePointer<Int>, writeDelta: Bool) -> Float {
        let last = ws.layerCount
        let k = ws.sizes[last], s = ws.strides[last]
        let z = ws.activations[last], d = ws.deltas[last]
        var total: Float = 0
        switch configuration.task {
        case .classifier:
            for r in 0..<rows {
                let zr = z + r * s, dr = d + r * s
                var m = zr[0]
                for j in 1..<k { m = max(m, zr[j]) }
                var sum: Float = 0
                for j in 0..<k {
                    let e = exponential(zr[j] - m)
                    if writeDelta { dr[j] = e }
                    sum += e
                }
                let y = labels[r]
                total += logarithm(sum) - (zr[y] - m)
                if writeDelta {
                    let scale = 1 / (sum * Float(rows))
                    for j in 0..<k { dr[j] *= scale }
                    dr[y] -= 1 / Float(rows)
                }
            }
        case .autoencoder:
            let x = ws.activations[0], s0 = ws.strides[0]
            let scale = 2 / Float(rows * k)
            for r in 0..<rows {
                var sum: Float = 0
                for j in 0..<k {
                    let diff = z[r * s + j] - x[r * s0 + j]
                    sum += diff * diff
                    if writeDelta { d[r * s + j] = scale * diff }
                }
                total += sum / Float(k)
            }
        }
        return total
    }

    /// Mean loss and accuracy over padded rows, batch by batch through the workspace.
    private func evaluate(_ ws: TrainingWorkspace, x: [Float], labels: [Int], batch: Int,
                          labelsBuffer: UnsafeMutablePointer<Int>) -> (Float, Float) {
        let s0 = ws.strides[0], last = ws.layerCount, k = ws.sizes[last], s = ws.strides[last]
        var lossSum: Double = 0
        var correct = 0
        x.withUnsafeBufferPointer { xs in
            var begin = 0
            while begin < labels.count {
                let rows = min(batch, labels.count - begin)
                (ws.activations[0]).update(from: xs.baseAddress! + begin * s0, count: rows * s0)
                for r in 0..<rows { labelsBuffer[r] = labels[begin + r] }
                for layer in 0..<last { ws.forward(layer, rows: rows) }
                lossSum += Double(lossAndDelta(ws, rows: rows, labels: labelsBuffer, writeDelta: false))
                if configuration.task == .classifier {
                    for r in 0..<rows {
                        let z = ws.activations[last] + r * s
                        var best = 0
                        for j in 1..<k where z[j] > z[best] { best = j }
                        if best == labelsBuffer[r] { correct += 1 }
                    }
                }
                begin += rows
            }
        }
        let n = max(labels.count, 1)
        return (Float(lossSum / Double(n)), Float(correct) / Float(n))
    }
}
