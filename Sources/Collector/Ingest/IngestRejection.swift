/// Why an incoming message was not stored; counted by reason and logged with its topic.
public struct IngestRejection: Error, Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        /// Larger than `ingest.maximumPayloadBytes`.
        case oversized
        /// Not a fleet topic, or a downward topic.
        case invalidTopic
        /// Not JSON, or JSON of the wrong shape or types.
        case invalidMessage
        /// A protocol version this collector does not speak.
        case unsupportedVersion
        /// The body's kind does not belong on the topic.
        case kindMismatch
        /// The envelope names another device than the topic.
        case deviceMismatch
        /// Sequence numbers out of range (`seq` 0, `head` above `seq`), or an empty or oversized stream ID.
        case invalidSequence
        /// Values out of range (negative counts, non-finite numbers, oversized arrays).
        case invalidValue
        /// A chunk request for a bundle the collector does not have, or outside it.
        case unknownBundle
        /// The batch holding it kept failing to store while the others succeeded.
        case unstorable
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
