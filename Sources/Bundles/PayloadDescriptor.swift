/// The model payload as the manifest pins it: both before and after compression.
public struct PayloadDescriptor: Codable, Sendable, Equatable {
    /// Always `tflite` in format version 1.
    public var format: String
    /// Always `zlib` in format version 1.
    public var compression: String
    /// Length of the uncompressed model; also the hard cap for inflating it.
    public var length: Int
    public var sha256: String
    public var compressedLength: Int
    public var compressedSHA256: String

    public init(format: String = "tflite", compression: String = "zlib", length: Int, sha256: String,
                compressedLength: Int, compressedSHA256: String) {
        self.format = format
        self.compression = compression
        self.length = length
        self.sha256 = sha256
        self.compressedLength = compressedLength
        self.compressedSHA256 = compressedSHA256
    }
}
