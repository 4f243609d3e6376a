import FleetProtocol

/// An upward message that passed validation, ready to be stored.
public struct IngestMessage: Sendable {
    /// The message's body, typed by its kind.
    public enum Body: Sendable {
        case birth(Birth)
        case status(DeviceStatus)
        case telemetry(TelemetryReport)
        case event(DeviceEvent)
        case sample(SampleRecord)
        case label(LabelRecord)
    }

    public var header: EnvelopeHeader
    public var body: Body
    /// The payload as received, stored with telemetry and samples for full fidelity.
    public var payload: [UInt8]

    public init(header: EnvelopeHeader, body: Body, payload: [UInt8]) {
        self.header = header
        self.body = body
        self.payload = payload
    }

    /// True for messages that consume sequence numbers and are acknowledged.
    public var isQueued: Bool { header.kind.isQueued }
}
