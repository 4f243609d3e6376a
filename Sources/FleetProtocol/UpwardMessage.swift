/// Any upward message, decoded by ``FleetCodec/decodeUpward(_:)``.
public enum UpwardMessage: Sendable {
    case birth(Envelope<Birth>)
    case status(Envelope<DeviceStatus>)
    case telemetry(Envelope<TelemetryReport>)
    case event(Envelope<DeviceEvent>)
    case sample(Envelope<SampleRecord>)
    case label(Envelope<LabelRecord>)
    case chunkRequest(Envelope<ChunkRequest>)

    /// The fields every message shares.
    public var header: EnvelopeHeader {
        switch self {
        case .birth(let m): m.header
        case .status(let m): m.header
        case .telemetry(let m): m.header
        case .event(let m): m.header
        case .sample(let m): m.header
        case .label(let m): m.header
        case .chunkRequest(let m): m.header
        }
    }
}
