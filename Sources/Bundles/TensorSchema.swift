/// One model input or output as the device must feed or read it.
public struct TensorSchema: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    /// The TFLite type name in lower case, e.g. `int8`, `uint8`, `float32`.
    public var dtype: String
    /// Quantisation: real = scale × (q − zeroPoint); scale 0 means not quantised.
    public var scale: Float
    public var zeroPoint: Int32

    public init(name: String, shape: [Int], dtype: String, scale: Float, zeroPoint: Int32) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// Number of elements, or nil if a dimension is unknown (negative).
    public var elementCount: Int? {
        shape.reduce(Optional(1)) { product, dimension in
            guard let product, dimension >= 0 else { return nil }
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            return overflow ? nil : result
        }
    }

    /// Bytes per element of `dtype`, or nil for a type bundles do not size.
    public var elementByteCount: Int? {
        switch dtype.uppercased() {
        case "INT8", "UINT8", "BOOL": 1
        case "INT16", "FLOAT16", "UINT16": 2
        case "INT32", "FLOAT32", "UINT32": 4
        case "INT64", "FLOAT64", "UINT64": 8
        default: nil
        }
    }

    /// Size of one tensor in bytes, or nil if unknown.
    public var byteCount: Int? {
        guard let elements = elementCount, let width = elementByteCount else { return nil }
        return elements * width
    }
}
