import TFLite

/// Element-wise comparison of raw tensor bytes, interpreted by dtype.
enum TensorComparison {
    static func maxAbsDifference(_ a: [UInt8], _ b: [UInt8], type: TensorType) -> Double {
        let n = min(a.count, b.count)
        var result = 0.0
        switch type {
        case .int8:
            for i in 0..<n { result = max(result, Double(abs(Int(Int8(bitPattern: a[i])) - Int(Int8(bitPattern: b[i]))))) }
        case .float32:
            a.withUnsafeBytes { ra in
                b.withUnsafeBytes { rb in
                    for i in 0..<n / 4 {
                        let x = ra.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                        let y = rb.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                        result = max(result, Double(abs(x - y)))
                    }
                }
            }
        case .int32:
            a.withUnsafeBytes { ra in
                b.withUnsafeBytes { rb in
                    for i in 0..<n / 4 {
                        let x = ra.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)
                        let y = rb.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)
                        result = max(result, abs(Double(x) - Double(y)))
                    }
                }
            }
        default:
            for i in 0..<n { result = max(result, Double(abs(Int(a[i]) - Int(b[i])))) }
        }
        return result
    }
}
