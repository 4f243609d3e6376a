import Foundation

/// Arrays of counts stored as little-endian UInt64 blobs: compact and cheap to add up.
enum CountsBlob {
    static func encode(_ counts: [UInt64]) -> Data {
        var data = Data(count: counts.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in counts.enumerated() { raw.storeBytes(of: value.littleEndian, toByteOffset: index * 8, as: UInt64.self) }
        }
        return data
    }

    static func decode(_ data: Data?) -> [UInt64] {
        guard let data, data.count >= 8 else { return [] }
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }

    static func decode(bytes: [UInt8]) -> [UInt64] {
        guard bytes.count >= 8 else { return [] }
        return bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }

    /// Element-wise sum; the shorter array is padded with zeros.
    static func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result = a.count >= b.count ? a : b
        let other = a.count >= b.count ? b : a
        for (index, value) in other.enumerated() { result[index] &+= value }
        return result
    }

    /// Adds `values` element-wise into `total`, growing it as needed.
    static func add(_ values: [UInt64], into total: inout [UInt64]) {
        if total.count < values.count { total.append(contentsOf: repeatElement(0, count: values.count - total.count)) }
        for index in values.indices { total[index] &+= values[index] }
    }
}
