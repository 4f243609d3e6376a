/// Where a training job is; `succeeded`, `failed` and `cancelled` are final.
public enum TrainingJobState: String, Codable, Sendable, CaseIterable {
    case queued
    case running
    /// Cancellation was asked while running; the worker stops at its next progress point.
    case cancelling
    case succeeded
    case failed
    case cancelled

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}
