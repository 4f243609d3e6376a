/// Where a buffer's bytes live inside the model file.
///
/// Buffers are not copied out of the file: `range` indexes `Model.bytes`, so a model's weights are held once.
public struct Buffer: Sendable, Equatable {
    /// Byte range within the model file; empty for buffers without data.
    public var range: Range<Int>

    public init(range: Range<Int>) { self.range = range }

    public var isEmpty: Bool { range.isEmpty }
}
