import Training

/// What the int8 model's predictions are compared with in the int8-versus-float agreement check.
public enum FloatReference: Sendable {
    /// The float model training produced (`TrainingResult.model`): the true float reference, which shows the
    /// error of quantising weights as well as activations. The collector passes it for models it trained on raw
    /// features (`Trainer`); a retrained head's float model takes embeddings, not rows, so use `.recomputed` there.
    case trained(TrainedModel)
    /// The int8 graph re-computed in float from its own dequantised weights (`FloatShadow`); the only reference
    /// a bare `.tflite` file offers. Dense graphs only; others make the check not applicable.
    case recomputed
    /// No comparison: the check is reported as not applicable with this reason.
    case none(reason: String)

    /// A short name for reports.
    public var name: String {
        switch self {
        case .trained: "trained float model"
        case .recomputed: "float re-computation of the int8 graph"
        case .none: "none"
        }
    }
}
