/// What an upward message's body is; the `kind` field of every ``Envelope``.
public enum MessageKind: String, Sendable, Codable, CaseIterable {
    case birth
    case status
    case telemetry
    case event
    case sample
    /// A ground-truth label joined with the captured sample it names.
    case label
    case chunkRequest

    /// True for kinds that travel through the device's disk queue and are acknowledged by the collector.
    ///
    /// Only these consume sequence numbers; the others carry the newest number allocated so far.
    public var isQueued: Bool {
        switch self {
        case .birth, .telemetry, .event, .sample, .label: true
        case .status, .chunkRequest: false
        }
    }

    /// The topic kind a message of this kind is published on.
    public var topicKind: TopicKind {
        switch self {
        case .birth: .birth
        case .status: .status
        case .telemetry: .telemetry
        case .event: .events
        case .sample, .label: .samples
        case .chunkRequest: .bundleRequest
        }
    }
}
