/// How much of one bundle the collector has served to one device over MQTT chunks.
public struct DownloadProgress: Codable, Sendable, Equatable {
    public var deviceID: String
    public var digest: String
    public var chunkSize: Int
    public var chunkCount: Int
    /// Distinct chunks served at least once.
    public var distinctChunks: Int
    /// Chunk requests answered, repeats included (a resumed or retried download asks again).
    public var chunksServed: Int
    public var bytesServed: Int
    public var firstAt: Int64
    public var lastAt: Int64

    public init(deviceID: String, digest: String, chunkSize: Int, chunkCount: Int, distinctChunks: Int, chunksServed: Int,
                bytesServed: Int, firstAt: Int64, lastAt: Int64) {
        self.deviceID = deviceID
        self.digest = digest
        self.chunkSize = chunkSize
        self.chunkCount = chunkCount
        self.distinctChunks = distinctChunks
        self.chunksServed = chunksServed
        self.bytesServed = bytesServed
        self.firstAt = firstAt
        self.lastAt = lastAt
    }

    /// The share of distinct chunks served, 0…1.
    public var fraction: Double { chunkCount == 0 ? 0 : Double(distinctChunks) / Double(chunkCount) }
}
