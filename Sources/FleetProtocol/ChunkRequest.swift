/// The device asks for one chunk of a bundle; the server answers on `bundle/<digest>/<index>` with raw bytes.
///
/// Chunk `index` covers bytes `index × chunkSize ..< min((index + 1) × chunkSize, size)` of the bundle file.
public struct ChunkRequest: Codable, Sendable, Equatable {
    public var digest: String
    public var index: Int
    public var chunkSize: Int

    public init(digest: String, index: Int, chunkSize: Int) {
        self.digest = digest
        self.index = index
        self.chunkSize = chunkSize
    }
}
