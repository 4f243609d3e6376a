/// A tensor of a subgraph as the file describes it: shape, type, quantisation and the buffer holding constant data.
public struct Tensor: Sendable {
    public var name: String
    public var shape: [Int]
    public var type: TensorType
    /// Index into `Model.buffers`; buffer 0 is the schema's empty sentinel.
    public var buffer: Int
    /// Present when the tensor is quantised (a scale array with at least one entry).
    public var quantization: Quantization?
    public var isVariable: Bool

    public init(name: String, shape: [Int], type: TensorType, buffer: Int, quantization: Quantization?, isVariable: Bool = false) {
        self.name = name
        self.shape = shape
        self.type = type
        self.buffer = buffer
        self.quantization = quantization
        self.isVariable = isVariable
    }

    /// Number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Bytes of the tensor's data.
    public var byteCount: Int { elementCount * type.byteWidth }
}
