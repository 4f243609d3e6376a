/// The first line of a raw-tensor export (`format=tensors`): what the bytes after it hold.
public struct TensorExportHeader: Codable, Sendable, Equatable {
    /// `edgefleet.tensors.v1`.
    public var schema = "edgefleet.tensors.v1"
    public var snapshot: String
    public var dtype: String
    public var shape: [Int]
    public var columns: [String]
    public var count: Int
    public var bytesPerSample: Int
    public var labels: [String]
    public var hashes: [String]
    public var splits: [String]
}
