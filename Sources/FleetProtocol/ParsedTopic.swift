/// A device topic taken apart by ``FleetTopics/parse(_:)``.
public struct ParsedTopic: Sendable, Equatable {
    /// The bundle and chunk a ``TopicKind/bundleChunk`` topic names.
    public struct Chunk: Sendable, Equatable {
        public var digest: String
        public var index: Int

        public init(digest: String, index: Int) {
            self.digest = digest
            self.index = index
        }
    }

    public var deviceID: String
    public var kind: TopicKind
    /// Set for chunk topics only.
    public var chunk: Chunk?

    public init(deviceID: String, kind: TopicKind, chunk: Chunk?) {
        self.deviceID = deviceID
        self.kind = kind
        self.chunk = chunk
    }
}
