import TFLite

/// How IF reads its condition: the first element, true when nonzero (bool is a byte 0 or 1).
enum ConditionValue {
    @inline(__always)
    static func isTrue(_ p: UnsafeRawPointer, type: TensorType) -> Bool {
        switch type {
        case .bool, .int8, .uint8: p.load(as: UInt8.self) != 0
        case .int16: p.load(as: Int16.self) != 0
        case .int32: p.load(as: Int32.self) != 0
        case .int64: p.load(as: Int64.self) != 0
        case .float32: p.load(as: Float.self) != 0
        default: false
        }
    }
}
