#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes and decodes fleet messages: JSON, UTF-8, sorted keys, versioned by the `v` field.
///
/// Decoding checks the version first, so a message from a newer protocol is refused as
/// `unsupportedVersion` rather than misread; unknown fields are ignored.
public enum FleetCodec {
    /// JSON bytes of any fleet message.
    public static func encode(_ value: some Encodable) throws(FleetProtocolError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return [UInt8](try encoder.encode(value)) } catch {
            throw FleetProtocolError(.invalidMessage, "cannot encode \(type(of: value)): \(error)")
        }
    }

    /// An upward message for `body`, ready to publish.
    ///
    /// Telemetry, the bulk of all traffic, goes through ``TelemetryJSONWriter`` (the same JSON at a fraction of
    /// `JSONEncoder`'s cost); every other kind through `JSONEncoder`. Agents and simulators both encode here.
    public static func encode<Body: UpwardBody>(_ body: Body, device: String, stream: String, seq: UInt64, head: UInt64,
                                                time: Int64) throws(FleetProtocolError) -> [UInt8] {
        if let report = body as? TelemetryReport {
            return try TelemetryJSONWriter.envelope(
                Envelope(kind: .telemetry, device: device, stream: stream, seq: seq, head: head, time: time, body: report))
        }
        return try encode(Envelope(kind: Body.kind, device: device, stream: stream, seq: seq, head: head, time: time, body: body))
    }

    /// The header of an upward message, whatever its body.
    public static func header(of bytes: [UInt8]) throws(FleetProtocolError) -> EnvelopeHeader {
        try checkVersion(bytes)
        return try decodeJSON(EnvelopeHeader.self, bytes)
    }

    /// An upward message with a body of the expected type; its `kind` must match.
    public static func decode<Body: UpwardBody>(_ type: Body.Type, from bytes: [UInt8]) throws(FleetProtocolError) -> Envelope<Body> {
        let header = try header(of: bytes)
        guard header.kind == Body.kind else {
            throw FleetProtocolError(.unknownKind, "expected a \(Body.kind.rawValue) message, got \(header.kind.rawValue)")
        }
        return try decodeJSON(Envelope<Body>.self, bytes)
    }

    /// Any upward message, by its `kind`.
    public static func decodeUpward(_ bytes: [UInt8]) throws(FleetProtocolError) -> UpwardMessage {
        switch try header(of: bytes).kind {
        case .birth: .birth(try decode(Birth.self, from: bytes))
        case .status: .status(try decode(DeviceStatus.self, from: bytes))
        case .telemetry: .telemetry(try decode(TelemetryReport.self, from: bytes))
        case .event: .event(try decode(DeviceEvent.self, from: bytes))
        case .sample: .sample(try decode(SampleRecord.self, from: bytes))
        case .label: .label(try decode(LabelRecord.self, from: bytes))
        case .chunkRequest: .chunkRequest(try decode(ChunkRequest.self, from: bytes))
        }
    }

    /// A downward message (command, acknowledgement, feedback).
    public static func decode<Message: DownwardMessage>(_ type: Message.Type, from bytes: [UInt8]) throws(FleetProtocolError) -> Message {
        try checkVersion(bytes)
        return try decodeJSON(Message.self, bytes)
    }

    private struct VersionOnly: Decodable {
        var v: Int
    }

    private static func checkVersion(_ bytes: [UInt8]) throws(FleetProtocolError) {
        let found = try decodeJSON(VersionOnly.self, bytes).v
        guard found == FleetProtocol.version else {
            throw FleetProtocolError(.unsupportedVersion,
                "message version \(found) is not supported (this build speaks version \(FleetProtocol.version))")
        }
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws(FleetProtocolError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch let error as DecodingError {
            throw FleetProtocolError(.invalidMessage, "not a valid \(T.self): \(describe(error))")
        } catch {
            throw FleetProtocolError(.invalidMessage, "not a valid \(T.self): \(error)")
        }
    }

    /// A decoding error as `path: reason`, so a person can find the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "(top level)" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
