/// Raw float32 tensor bytes, little-endian as every supported board stores them: a row of features as a model input,
/// a captured sample, a replay frame.
public enum Float32Bytes {
    /// The little-endian float32 bytes of `values`, each rounded to the nearest `Float`.
    public static func littleEndian(_ values: some Collection<Double>) -> [UInt8] {
        littleEndian(values.lazy.map { Float($0) })
    }

    /// The little-endian bytes of `values`.
    public static func littleEndian(_ values: some Collection<Float>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern
            bytes.append(contentsOf: [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                                      UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)])
        }
        return bytes
    }
}
