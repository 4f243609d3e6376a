/// A forward-only reader of JSON bytes for the hot path: no allocation except for the strings it returns.
///
/// Every reader returns nil on anything unexpected (escapes in strings, exponents, leading zeros, …) and the
/// caller then falls back to Foundation's decoder, which either accepts the message after all or names the
/// problem. So this scanner may be stricter than JSON, never looser.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index >= bytes.count
        }
    }

    mutating func skipSpace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// Consumes `byte` (after whitespace) if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func peek() -> UInt8? {
        skipSpace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// The raw bytes of a string without escapes, as a range into `bytes`.
    mutating func rawString() -> Range<Int>? {
        guard consume(0x22) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                index += 1
                return start..<(index - 1)
            }
            if byte == 0x5C || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    mutating func string() -> String? {
        guard let range = rawString() else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Whether the bytes of `range` equal `key` (an ASCII literal).
    func equals(_ range: Range<Int>, _ key: StaticString) -> Bool {
        guard range.count == key.utf8CodeUnitCount else { return false }
        let pointer = key.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] { return false }
        return true
    }

    mutating func null() -> Bool {
        skipSpace()
        guard index + 4 <= bytes.count, bytes[index] == 0x6E, bytes[index + 1] == 0x75, bytes[index + 2] == 0x6C, bytes[index + 3] == 0x6C
        else { return false }
        index += 4
        return true
    }

    mutating func bool() -> Bool? {
        skipSpace()
        if index + 4 <= bytes.count, bytes[index] == 0x74, bytes[index + 1] == 0x72, bytes[index + 2] == 0x75, bytes[index + 3] == 0x65 {
            index += 4
            return true
        }
        if index + 5 <= bytes.count, bytes[index] == 0x66, bytes[index + 1] == 0x61, bytes[index + 2] == 0x6C, bytes[index + 3] == 0x73,
           bytes[index + 4] == 0x65 {
            index += 5
            return false
        }
        return nil
    }

    /// A non-negative integer without sign, fraction or exponent.
    mutating func unsigned() -> UInt64? {
        skipSpace()
        let start = index
        var value: UInt64 = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(bytes[index] - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        guard index > start, index - start == 1 || bytes[start] != 0x30 else { return nil }
        if index < bytes.count, bytes[index] == 0x2E || bytes[index] == 0x65 || bytes[index] == 0x45 { return nil }
        return value
    }

    mutating func signed() -> Int64? {
        let negative = consume(0x2D)
        guard let magnitude = unsigned() else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? (magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    mutating func int() -> Int? {
        signed().flatMap { Int(exactly: $0) }
    }

    /// A number with an optional sign and fraction (no exponent), as a Double.
    mutating func double() -> Double? {
        let negative = consume(0x2D)
        skipSpace()
        let start = index
        var whole: UInt64 = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            guard whole < 100_000_000_000_000 else { return nil }
            whole = whole * 10 + UInt64(bytes[index] - 0x30)
            index += 1
        }
        guard index > start, index - start == 1 || bytes[start] != 0x30 else { return nil }
        var value = Double(whole)
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var fraction: UInt64 = 0
            var scale = 1.0
            let fractionStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                // Beyond 15 digits the exact value needs a real parser: let Foundation do it.
                guard index - fractionStart < 15 else { return nil }
                fraction = fraction * 10 + UInt64(bytes[index] - 0x30)
                scale *= 10
                index += 1
            }
            guard index > fractionStart else { return nil }
            value += Double(fraction) / scale
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 { return nil }
        return negative ? -value : value
    }

    mutating func unsignedArray() -> [UInt64]? {
        guard consume(0x5B) else { return nil }
        var values: [UInt64] = []
        if consume(0x5D) { return values }
        repeat {
            guard let value = unsigned() else { return nil }
            values.append(value)
        } while consume(0x2C)
        return consume(0x5D) ? values : nil
    }

    /// Skips any value (for unknown keys).
    mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 32, let first = peek() else { return false }
        switch first {
        case 0x22: return rawString() != nil
        case 0x7B:
            index += 1
            if consume(0x7D) { return true }
            repeat {
                guard rawString() != nil, consume(0x3A), skipValue(depth: depth + 1) else { return false }
            } while consume(0x2C)
            return consume(0x7D)
        case 0x5B:
            index += 1
            if consume(0x5D) { return true }
            repeat {
                guard skipValue(depth: depth + 1) else { return false }
            } while consume(0x2C)
            return consume(0x5D)
        case 0x74, 0x66: return bool() != nil
        case 0x6E: return null()
        default: return double() != nil
        }
    }

    /// Iterates the members of an object: `body` gets each key's range and reads its value; false aborts.
    mutating func object(_ body: (inout JSONScanner, Range<Int>) -> Bool) -> Bool {
        guard consume(0x7B) else { return false }
        if consume(0x7D) { return true }
        repeat {
            guard let key = rawString(), consume(0x3A), body(&self, key) else { return false }
        } while consume(0x2C)
        return consume(0x7D)
    }
}
