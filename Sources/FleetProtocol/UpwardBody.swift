/// A body type of upward messages, tied to one ``MessageKind``.
public protocol UpwardBody: Codable, Sendable {
    /// The kind every envelope of this body carries.
    static var kind: MessageKind { get }
}

extension Birth: UpwardBody { public static var kind: MessageKind { .birth } }
extension DeviceStatus: UpwardBody { public static var kind: MessageKind { .status } }
extension TelemetryReport: UpwardBody { public static var kind: MessageKind { .telemetry } }
extension DeviceEvent: UpwardBody { public static var kind: MessageKind { .event } }
extension SampleRecord: UpwardBody { public static var kind: MessageKind { .sample } }
extension LabelRecord: UpwardBody { public static var kind: MessageKind { .label } }
extension ChunkRequest: UpwardBody { public static var kind: MessageKind { .chunkRequest } }
