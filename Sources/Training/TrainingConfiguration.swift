/// Hyper-parameters of a training run; the defaults are meant to work on tabular data without tuning.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Units of each hidden ReLU layer. Empty trains a linear (softmax-regression) model.
    public var hiddenLayers: [Int]
    /// Upper bound on epochs; early stopping usually ends sooner.
    public var maxEpochs: Int
    public var batchSize: Int
    /// Adam's step size.
    public var learningRate: Float
    /// L2 penalty on weights (not biases): the loss gains `l2/2 · Σw²`.
    public var l2: Float
    /// Epochs without a better validation loss before training stops and the best weights are restored.
    public var patience: Int
    /// Share of the training rows held out (stratified, seeded) for early stopping; 0 trains on every row
    /// for `maxEpochs` epochs.
    public var validationFraction: Double
    public var seed: UInt64
    public var task: TrainingTask
    /// After early stopping picks the epoch count, retrain from the same initialisation on all rows
    /// (validation included) for that many epochs. Costs a second, shorter run; uses 100% of the data.
    public var refit: Bool

    public init(hiddenLayers: [Int] = [64, 32], maxEpochs: Int = 200, batchSize: Int = 32, learningRate: Float = 2e-3,
                l2: Float = 1e-3, patience: Int = 15, validationFraction: Double = 0.1, seed: UInt64 = 0,
                task: TrainingTask = .classifier, refit: Bool = true) {
        self.hiddenLayers = hiddenLayers
        self.maxEpochs = maxEpochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.l2 = l2
        self.patience = patience
        self.validationFraction = validationFraction
        self.seed = seed
        self.task = task
        self.refit = refit
    }

    /// Rejects values no training run could use.
    public func validate() throws(TrainingError) {
        func bad(_ message: String) -> TrainingError { TrainingError(.invalidConfiguration, message) }
        if let h = hiddenLayers.first(where: { $0 < 1 || $0 > 4096 }) { throw bad("hidden layer size \(h) is outside 1...4096") }
        if hiddenLayers.count > 8 { throw bad("at most 8 hidden layers are supported, got \(hiddenLayers.count)") }
        if maxEpochs < 1 { throw bad("epochs must be at least 1, got \(maxEpochs)") }
        if batchSize < 1 || batchSize > 4096 { throw bad("batch size must be within 1...4096, got \(batchSize)") }
        if !(learningRate > 0) || !learningRate.isFinite { throw bad("learning rate must be a positive number, got \(learningRate)") }
        if !(l2 >= 0) || !l2.isFinite { throw bad("L2 penalty must be zero or positive, got \(l2)") }
        if patience < 1 { throw bad("patience must be at least 1 epoch, got \(patience)") }
        if !(validationFraction >= 0 && validationFraction < 0.9) { throw bad("validation fraction must be within 0..<0.9, got \(validationFraction)") }
    }
}
