import TFLite

/// What a caller needs to know about an input or output tensor.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var type: TensorType
    public var scale: Float
    public var zeroPoint: Int32

    public init(name: String, shape: [Int], type: TensorType, scale: Float, zeroPoint: Int32) {
        self.name = name
        self.shape = shape
        self.type = type
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    init(_ tensor: Tensor) {
        self.init(name: tensor.name, shape: tensor.shape, type: tensor.type,
                  scale: tensor.quantization?.scale ?? 0, zeroPoint: tensor.quantization?.zeroPoint ?? 0)
    }

    /// Bytes of the tensor's data.
    public var byteCount: Int { shape.reduce(1, *) * type.byteWidth }
}
