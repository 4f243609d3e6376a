/// The last part of a device topic: what flows on it and in which direction.
public enum TopicKind: String, Sendable, CaseIterable, Codable {
    // Upward, device → collector.
    /// Published on every connection: agent version, profile, bundle, hardware (queued, acknowledged).
    case birth
    /// Retained `online`/`offline` status; `offline` is the Last Will (not queued).
    case status
    /// Interval reports: counts, latency, resources, histograms for drift (queued, acknowledged).
    case telemetry
    /// Update state transitions and other notable events (queued, acknowledged).
    case events
    /// Captured inputs with their predictions, for retraining (queued, acknowledged).
    case samples
    /// Requests for bundle chunks (not queued: retried by the agent until the chunk arrives).
    case bundleRequest = "bundle/request"
    /// Predictions of the inference loop when the MQTT output is enabled (QoS 0, not queued).
    case predictions

    // Downward, collector → device.
    /// Commands: update assignments, trust-file updates.
    case commands = "cmd"
    /// Application-level acknowledgements of the queued upward stream.
    case ack
    /// Ground-truth labels for captured samples.
    case feedback
    /// Bundle chunks: `bundle/<digest>/<index>`, raw bytes.
    case bundleChunk = "bundle/chunk"
    /// Raw input tensors for the MQTT input source (the default input topic).
    case input

    /// True for topics the device publishes.
    public var isUpward: Bool {
        switch self {
        case .birth, .status, .telemetry, .events, .samples, .bundleRequest, .predictions: true
        case .commands, .ack, .feedback, .bundleChunk, .input: false
        }
    }
}
