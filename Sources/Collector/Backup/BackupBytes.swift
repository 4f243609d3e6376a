/// Little-endian integers and hex, for the backup file's framing.
enum BackupBytes {
    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func integer<T: FixedWidthInteger>(_ bytes: [UInt8], as type: T.Type) -> T {
        var value: T = 0
        for (index, byte) in bytes.prefix(MemoryLayout<T>.size).enumerated() { value |= T(byte) << (8 * index) }
        return value
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
