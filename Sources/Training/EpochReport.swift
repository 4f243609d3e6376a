/// Progress after one epoch, for progress bars and training curves.
public struct EpochReport: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    public var maxEpochs: Int
    /// Mean training loss over the epoch's batches (cross-entropy or MSE, plus nothing for L2).
    public var loss: Float
    /// Validation loss (NaN without a validation split).
    public var validationLoss: Float
    /// Validation accuracy for classifiers (NaN for autoencoders or without a validation split).
    public var validationAccuracy: Float
    /// The epoch whose weights are currently the best.
    public var bestEpoch: Int
}
