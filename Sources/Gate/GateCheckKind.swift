/// The family a gate check belongs to, for grouping in reports and on the dashboard.
public enum GateCheckKind: String, Codable, Sendable, Equatable {
    /// An absolute threshold on the candidate alone (accuracy, macro-F1, per-class recall, better than chance).
    case value
    /// A threshold relative to the current champion (regression, required gain, forgetting).
    case change
    /// Agreement of the int8 model with a float reference.
    case quantization
    /// A firmware profile's budget: operators, arena, weights, agent memory, latency.
    case budget
}
