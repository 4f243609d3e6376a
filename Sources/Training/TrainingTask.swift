/// What the network learns.
public enum TrainingTask: String, Sendable, Codable {
    /// Softmax cross-entropy over the label column's classes.
    case classifier
    /// Reconstruct the standardised features (mean squared error); the error is the anomaly score.
    case autoencoder
}
