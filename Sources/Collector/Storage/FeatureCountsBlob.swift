import FleetProtocol

/// Named count vectors (a report's `features`) stored as one compact blob: per feature a little-endian UInt16 name
/// length, the UTF-8 name, a UInt16 bin count and the counts as little-endian UInt64.
///
/// Malformed bytes decode to the features read so far: a blob is only ever written by ``encode(_:)``.
enum FeatureCountsBlob {
    static func encode(_ features: [FeatureCounts]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(features.reduce(0) { $0 + 4 + $1.name.utf8.count + 8 * $1.counts.count })
        for feature in features {
            let name = Array(feature.name.utf8.prefix(Int(UInt16.max)))
            let counts = feature.counts.prefix(Int(UInt16.max))
            append(UInt16(name.count), to: &bytes)
            bytes += name
            append(UInt16(counts.count), to: &bytes)
            for count in counts { withUnsafeBytes(of: count.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> [FeatureCounts] {
        var features: [FeatureCounts] = []
        var offset = 0
        func u16() -> Int? {
            guard offset + 2 <= bytes.count else { return nil }
            defer { offset += 2 }
            return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        }
        while let nameLength = u16(), offset + nameLength <= bytes.count {
            let name = String(decoding: bytes[offset..<(offset + nameLength)], as: UTF8.self)
            offset += nameLength
            guard let bins = u16(), offset + bins * 8 <= bytes.count else { break }
            var counts: [UInt64] = []
            counts.reserveCapacity(bins)
            for index in 0..<bins {
                var value: UInt64 = 0
                for byte in 0..<8 { value |= UInt64(bytes[offset + index * 8 + byte]) << (8 * byte) }
                counts.append(value)
            }
            offset += bins * 8
            features.append(FeatureCounts(name: name, counts: counts))
        }
        return features
    }

    /// Adds `values` into `total` by feature name (new names are appended; counts grow as needed).
    static func add(_ values: [FeatureCounts], into total: inout [FeatureCounts]) {
        for feature in values {
            if let index = total.firstIndex(where: { $0.name == feature.name }) {
                CountsBlob.add(feature.counts, into: &total[index].counts)
            } else {
                total.append(feature)
            }
        }
    }

    private static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value & 0xFF))
        bytes.append(UInt8(value >> 8))
    }
}
