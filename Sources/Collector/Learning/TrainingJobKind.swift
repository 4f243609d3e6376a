/// How a job builds its model.
public enum TrainingJobKind: String, Codable, Sendable, CaseIterable {
    /// A multilayer perceptron from scratch on the snapshot's features (tabular models).
    case mlp
    /// An autoencoder on the features (anomaly scores); registered, but the gate judges classifiers only.
    case autoencoder
    /// The configured `training.externalTrainer` command builds the `.tflite`.
    case external
}
