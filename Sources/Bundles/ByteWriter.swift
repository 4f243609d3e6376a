/// Appends little-endian integers and byte runs to a growing buffer.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(_ value: UInt16) { writeInteger(UInt64(value), byteCount: 2) }
    mutating func write(_ value: UInt32) { writeInteger(UInt64(value), byteCount: 4) }
    mutating func write(_ value: UInt64) { writeInteger(value, byteCount: 8) }
    mutating func write<S: Sequence>(bytes run: S) where S.Element == UInt8 { bytes.append(contentsOf: run) }

    private mutating func writeInteger(_ value: UInt64, byteCount: Int) {
        for index in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
}
