/// One input tensor of a captured sample, zlib-compressed (RFC 1950).
public struct CapturedTensor: Codable, Sendable, Equatable {
    public var dtype: String
    public var shape: [Int]
    /// Length of the raw tensor bytes before compression.
    public var length: Int
    public var compression: String
    public var data: Base64Bytes

    public init(dtype: String, shape: [Int], length: Int, compression: String = "zlib", data: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.length = length
        self.compression = compression
        self.data = Base64Bytes(data)
    }
}
