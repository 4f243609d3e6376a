/// Reads little-endian integers and byte runs from a buffer, refusing any read past its end.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func readUInt16(_ what: String) throws(BundleError) -> UInt16 {
        UInt16(truncatingIfNeeded: try readInteger(byteCount: 2, what))
    }

    mutating func readUInt32(_ what: String) throws(BundleError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readInteger(byteCount: 4, what))
    }

    mutating func readUInt64(_ what: String) throws(BundleError) -> UInt64 {
        try readInteger(byteCount: 8, what)
    }

    mutating func readBytes(_ count: Int, _ what: String) throws(BundleError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw BundleError(.truncated,
                "\(what) needs \(count) bytes at offset \(offset) but only \(remaining) remain; the file is truncated")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    private mutating func readInteger(byteCount: Int, _ what: String) throws(BundleError) -> UInt64 {
        let run = try readBytes(byteCount, what)
        var value: UInt64 = 0
        for (shift, byte) in run.enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
        return value
    }
}
