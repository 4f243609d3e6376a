/// How a job builds its model.
public enum TrainingJobKind: String, Codable, Sendable, CaseIterable {
    /// A multilayer perceptron from scratch on the snapshot's features (tabular models).
    case mlp
    /// A new classifier head (FULLY_CONNECTED + SOFTMAX) on an int8 backbone's embedding, the backbone kept as it is
    /// (convolutional models): the snapshot's rows are the backbone input's values, `options.embeddingTensor` names
    /// the embedding, `options.backboneRelease` the backbone (default the champion).
    case head
    /// An autoencoder on the features (anomaly scores); registered, but the gate judges classifiers only.
    case autoencoder
    /// The configured `training.externalTrainer` command builds the `.tflite`.
    case external
}
