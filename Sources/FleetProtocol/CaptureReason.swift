/// Why an input was captured for retraining.
public enum CaptureReason: String, Codable, Sendable, CaseIterable {
    /// The top score was below the capture threshold.
    case lowConfidence
    /// Enough input features fell outside the baseline's populated bins.
    case drift
    /// An unbiased random draw, so the captured set also represents ordinary inputs.
    case random
}
