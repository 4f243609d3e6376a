import Foundation
import FleetProtocol

/// Turns MQTT messages into validated ``IngestItem``s; never throws anything but ``IngestRejection``.
///
/// The topic says which body to expect, so a message is parsed once (FleetCodec's generic path parses the
/// version, the header and the body separately); the slower path runs only to name the reason of a failure.
/// Not thread-safe: one decoder per consuming task (it reuses a `JSONDecoder`).
public final class MessageDecoder {
    public let maximumPayloadBytes: Int
    private let decoder = JSONDecoder()

    public init(maximumPayloadBytes: Int) {
        self.maximumPayloadBytes = maximumPayloadBytes
    }

    public func decode(topic: String, payload: [UInt8]) throws(IngestRejection) -> IngestItem {
        guard payload.count <= maximumPayloadBytes else {
            throw IngestRejection(.oversized, "payload of \(payload.count) bytes is above the limit of \(maximumPayloadBytes)")
        }
        let parsed: ParsedTopic
        do { parsed = try FleetTopics.parse(topic) } catch { throw IngestRejection(.invalidTopic, error.message) }
        guard parsed.kind.isUpward, parsed.kind != .predictions else {
            throw IngestRejection(.invalidTopic, "'\(parsed.kind.rawValue)' is not a topic the collector ingests")
        }
        switch parsed.kind {
        case .status:
            if payload.isEmpty { return .ignore }
            let envelope = try envelope(DeviceStatus.self, payload, parsed)
            return .store(IngestMessage(header: envelope.header, body: .status(envelope.body), payload: payload))
        case .birth:
            let envelope = try envelope(Birth.self, payload, parsed)
            try Self.validate(envelope.body)
            return .store(IngestMessage(header: envelope.header, body: .birth(envelope.body), payload: payload))
        case .telemetry:
            let envelope: Envelope<TelemetryReport>
            if let fast = TelemetryFastPath.decode(payload), fast.version == FleetProtocol.version {
                try check(fast.header, parsed, expected: .telemetry)
                envelope = fast
            } else {
                envelope = try self.envelope(TelemetryReport.self, payload, parsed)
            }
            try Self.validate(envelope.body)
            return .store(IngestMessage(header: envelope.header, body: .telemetry(envelope.body), payload: payload))
        case .events:
            let envelope = try envelope(DeviceEvent.self, payload, parsed)
            return .store(IngestMessage(header: envelope.header, body: .event(envelope.body), payload: payload))
        case .samples:
            let message: UpwardMessage
            do { message = try FleetCodec.decodeUpward(payload) } catch { throw Self.rejection(error) }
            switch message {
            case .sample(let envelope):
                try check(envelope.header, parsed, expected: .sample)
                return .store(IngestMessage(header: envelope.header, body: .sample(envelope.body), payload: payload))
            case .label(let envelope):
                try check(envelope.header, parsed, expected: .label)
                return .store(IngestMessage(header: envelope.header, body: .label(envelope.body), payload: payload))
            default:
                throw IngestRejection(.kindMismatch, "a \(message.header.kind.rawValue) message does not belong on the samples topic")
            }
        case .bundleRequest:
            let envelope = try envelope(ChunkRequest.self, payload, parsed)
            return .chunkRequest(deviceID: parsed.deviceID, request: envelope.body)
        default:
            throw IngestRejection(.invalidTopic, "'\(parsed.kind.rawValue)' is not a topic the collector ingests")
        }
    }

    private func envelope<Body: UpwardBody>(_ type: Body.Type, _ payload: [UInt8], _ parsed: ParsedTopic) throws(IngestRejection) -> Envelope<Body> {
        let envelope: Envelope<Body>
        do {
            envelope = try decoder.decode(Envelope<Body>.self, from: Data(payload))
        } catch {
            // The slow path only names the reason: a newer version, another kind, or the field that is wrong.
            do { _ = try FleetCodec.decode(Body.self, from: payload) } catch { throw Self.rejection(error) }
            throw IngestRejection(.invalidMessage, "not a valid \(Body.kind.rawValue) message")
        }
        guard envelope.version == FleetProtocol.version else {
            throw IngestRejection(.unsupportedVersion, "message version \(envelope.version) is not supported (this collector speaks \(FleetProtocol.version))")
        }
        try check(envelope.header, parsed, expected: Body.kind)
        return envelope
    }

    private func check(_ header: EnvelopeHeader, _ parsed: ParsedTopic, expected: MessageKind) throws(IngestRejection) {
        guard header.kind == expected else {
            throw IngestRejection(.kindMismatch, "a \(header.kind.rawValue) message does not belong on the \(parsed.kind.rawValue) topic")
        }
        guard header.device == parsed.deviceID else {
            throw IngestRejection(.deviceMismatch, "the message names device '\(header.device)' but was published on the topic of '\(parsed.deviceID)'")
        }
        guard !header.stream.isEmpty, header.stream.utf8.count <= 128 else {
            throw IngestRejection(.invalidSequence, "stream ID must have 1 to 128 characters")
        }
        if header.kind.isQueued {
            guard header.seq >= 1, header.head >= 1, header.head <= header.seq, header.seq <= UInt64(Int64.max) else {
                throw IngestRejection(.invalidSequence, "seq \(header.seq) and head \(header.head) must satisfy 1 ≤ head ≤ seq")
            }
        }
    }

    static func rejection(_ error: FleetProtocolError) -> IngestRejection {
        switch error.code {
        case .unsupportedVersion: IngestRejection(.unsupportedVersion, error.message)
        case .unknownKind: IngestRejection(.kindMismatch, error.message)
        case .invalidTopic, .invalidDeviceID: IngestRejection(.invalidTopic, error.message)
        case .invalidMessage: IngestRejection(.invalidMessage, error.message)
        }
    }

    static func validate(_ report: TelemetryReport) throws(IngestRejection) {
        guard report.intervalEnd >= report.intervalStart else {
            throw IngestRejection(.invalidValue, "intervalEnd \(report.intervalEnd) is before intervalStart \(report.intervalStart)")
        }
        guard report.throughput.isFinite, report.throughput >= 0, report.resources.cpuCores.isFinite, report.resources.cpuCores >= 0,
              report.latency.meanMicros.isFinite, report.resources.temperatureCelsius?.isFinite ?? true else {
            throw IngestRejection(.invalidValue, "throughput, cpuCores, meanMicros and temperature must be finite and not negative")
        }
        guard report.predictions.count <= 4096, report.confidence.count <= 1024, report.latency.buckets.count <= 8192,
              report.features.count <= 1024, report.features.allSatisfy({ $0.counts.count <= 4096 }),
              report.latency.buckets.allSatisfy({ $0.count == 2 }) else {
            throw IngestRejection(.invalidValue, "histograms are too large or latency buckets are not [upper, count] pairs")
        }
        guard report.queue.depth >= 0, report.queue.bytes >= 0 else {
            throw IngestRejection(.invalidValue, "queue depth and bytes must not be negative")
        }
        if let bundle = report.bundle { try validate(bundle) }
    }

    static func validate(_ birth: Birth) throws(IngestRejection) {
        for (name, value) in [("agentVersion", birth.agentVersion), ("profile", birth.profile), ("input", birth.input),
                              ("hardware.model", birth.hardware.model)] where value.utf8.count > 256 {
            throw IngestRejection(.invalidValue, "\(name) has more than 256 bytes")
        }
        guard birth.telemetryIntervalSeconds.isFinite, birth.hardware.cpuCount >= 0 else {
            throw IngestRejection(.invalidValue, "telemetryIntervalSeconds must be finite and cpuCount not negative")
        }
        if let bundle = birth.bundle { try validate(bundle) }
    }

    static func validate(_ bundle: BundleReference) throws(IngestRejection) {
        guard !bundle.name.isEmpty, bundle.name.utf8.count <= 128, bundle.version.utf8.count <= 128 else {
            throw IngestRejection(.invalidValue, "bundle name and version must have 1 to 128 bytes")
        }
        do { try FleetProtocol.validateDigest(bundle.digest) } catch { throw IngestRejection(.invalidValue, error.message) }
    }
}
