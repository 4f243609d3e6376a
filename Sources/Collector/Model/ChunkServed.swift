/// A chunk the collector published to a device; folded into ``DownloadProgress`` in batches.
public struct ChunkServed: Sendable, Equatable {
    public var deviceID: String
    public var digest: String
    public var index: Int
    public var chunkSize: Int
    public var chunkCount: Int
    public var bytes: Int
    public var at: Int64

    public init(deviceID: String, digest: String, index: Int, chunkSize: Int, chunkCount: Int, bytes: Int, at: Int64) {
        self.deviceID = deviceID
        self.digest = digest
        self.index = index
        self.chunkSize = chunkSize
        self.chunkCount = chunkCount
        self.bytes = bytes
        self.at = at
    }
}
