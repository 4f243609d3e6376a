/// What a training run produced: the float model (best weights restored) and how training went.
public struct TrainingResult: Sendable {
    public var model: TrainedModel
    /// One report per epoch run.
    public var history: [EpochReport]
    /// The epoch whose weights were kept.
    public var bestEpoch: Int
    /// Whether early stopping ended the run before `maxEpochs`.
    public var stoppedEarly: Bool
    /// Wall time of the training loop (standardisation and batching included, data parsing not).
    public var duration: Duration
}
