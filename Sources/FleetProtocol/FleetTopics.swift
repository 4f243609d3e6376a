/// Fleet-wide topic filters and topic parsing, for the collector and simulators.
public enum FleetTopics {
    /// A filter matching `kind` for every device, e.g. `edgefleet/v1/dev/+/telemetry`.
    public static func filter(_ kind: TopicKind) -> String {
        kind == .bundleChunk ? "\(FleetProtocol.topicRoot)/dev/+/bundle/+/+" : "\(FleetProtocol.topicRoot)/dev/+/\(kind.rawValue)"
    }

    /// The upward topics whose messages are queued on the device and must be acknowledged.
    public static let acknowledgedKinds: [TopicKind] = [.birth, .telemetry, .events, .samples]

    /// Splits a device topic into device ID and kind; throws for anything else.
    public static func parse(_ topic: String) throws(FleetProtocolError) -> ParsedTopic {
        let prefix = "\(FleetProtocol.topicRoot)/dev/"
        guard topic.hasPrefix(prefix) else {
            throw FleetProtocolError(.invalidTopic, "'\(topic)' does not start with \(prefix)")
        }
        let parts = topic.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { throw FleetProtocolError(.invalidTopic, "'\(topic)' names no device and kind") }
        let device = parts[0]
        try FleetProtocol.validateDeviceID(device)
        let rest = parts.dropFirst().joined(separator: "/")
        if parts.count == 4, parts[1] == "bundle", parts[2] != "request" {
            try FleetProtocol.validateDigest(parts[2])
            guard let index = Int(parts[3]), index >= 0 else {
                throw FleetProtocolError(.invalidTopic, "'\(topic)': chunk index '\(parts[3])' is not a non-negative integer")
            }
            return ParsedTopic(deviceID: device, kind: .bundleChunk, chunk: .init(digest: parts[2], index: index))
        }
        guard let kind = TopicKind(rawValue: rest), kind != .bundleChunk else {
            throw FleetProtocolError(.invalidTopic, "'\(topic)': '\(rest)' is not a fleet topic kind")
        }
        return ParsedTopic(deviceID: device, kind: kind, chunk: nil)
    }
}
