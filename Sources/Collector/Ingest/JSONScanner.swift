/// A forward-only reader of JSON bytes for the hot path: no allocation except for the strings it returns.
///
/// Every reader returns nil on anything unexpected (a key with escapes, a fraction where an integer belongs,
/// leading zeros, invalid UTF-8, a lone surrogate, …) and the caller then falls back to Foundation's decoder,
/// which either accepts the message after all or names the problem. So this scanner may be stricter than JSON,
/// never looser, and what it accepts it reads to the same values as `JSONDecoder` (numbers correctly rounded).
/// `TelemetryCodecPropertyTests` holds it to that.
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

    /// The raw bytes of a string without escapes (an object key), as a range into `bytes`.
    ///
    /// Keys with escapes return nil: the telemetry schema has none, and a counter label that needs them is rare
    /// enough for the general path.
    mutating func rawString() -> Range<Int>? {
        guard consume(0x22) else { return nil }
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                index += 1
                let range = start..<(index - 1)
                guard ascii || String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) != nil else { return nil }
                return range
            }
            if byte == 0x5C || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    /// A string value with its escapes decoded; nil for invalid UTF-8, raw control characters or a lone surrogate.
    mutating func string() -> String? {
        guard consume(0x22) else { return nil }
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // Decoding never fails, it repairs: only validation keeps bad UTF-8 away from the fast path.
                return ascii ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
            }
            if byte == 0x5C { return escapedString(from: start) }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    /// The rest of a string from its first backslash (`index`), `start` being its first byte; the rare path.
    private mutating func escapedString(from start: Int) -> String? {
        var utf8 = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x22 { return String(validating: utf8, as: UTF8.self) }
            if byte < 0x20 { return nil }
            guard byte == 0x5C else {
                utf8.append(byte)
                continue
            }
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case 0x22, 0x5C, 0x2F: utf8.append(escape)
            case 0x62: utf8.append(0x08)
            case 0x66: utf8.append(0x0C)
            case 0x6E: utf8.append(0x0A)
            case 0x72: utf8.append(0x0D)
            case 0x74: utf8.append(0x09)
            case 0x75:
                guard let unit = hexQuad() else { return nil }
                var value = UInt32(unit)
                if (0xD800..<0xDC00).contains(unit) {
                    guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else { return nil }
                    index += 2
                    guard let low = hexQuad(), (0xDC00..<0xE000).contains(low) else { return nil }
                    value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { return nil }
                UTF8.encode(scalar) { utf8.append($0) }
            default: return nil
            }
        }
        return nil
    }

    /// Four hex digits of a `\u` escape.
    private mutating func hexQuad() -> UInt16? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
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
        return digits()
    }

    /// The digits of an integer at `index` (no whitespace skipped): no leading zero, no fraction or exponent after.
    private mutating func digits() -> UInt64? {
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
        skipSpace()
        // The minus belongs to the number: no whitespace may follow it.
        let negative = index < bytes.count && bytes[index] == 0x2D
        if negative { index += 1 }
        guard let magnitude = digits() else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    mutating func int() -> Int? {
        signed().flatMap { Int(exactly: $0) }
    }

    /// Exact powers of ten for Clinger's fast path (every one up to 10^22 is a Double without rounding).
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Any JSON number as a Double, correctly rounded: the value `JSONDecoder` (and `Double(String)`) gives.
    ///
    /// Most telemetry numbers have few digits and no exponent: their digits form an integer below 2^53 and the
    /// fraction a power of ten up to 10^22, both exact, so one IEEE division rounds once and correctly (Clinger's
    /// fast path). Everything else (long mantissas, exponents) goes through the standard library's correctly rounded
    /// parser, on a small string that needs no allocation up to 15 bytes.
    mutating func double() -> Double? {
        skipSpace()
        let start = index
        let negative = index < bytes.count && bytes[index] == 0x2D
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var exact = true
        let integerStart = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if mantissa < 900_719_925_474_099 { mantissa = mantissa * 10 + UInt64(bytes[index] - 0x30) } else { exact = false }
            index += 1
        }
        guard index > integerStart, index - integerStart == 1 || bytes[integerStart] != 0x30 else { return nil }
        var fractionDigits = 0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if mantissa < 900_719_925_474_099 { mantissa = mantissa * 10 + UInt64(bytes[index] - 0x30) } else { exact = false }
                index += 1
            }
            fractionDigits = index - fractionStart
            guard fractionDigits > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            let exponentStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > exponentStart else { return nil }
            exact = false
        }
        if exact, fractionDigits < Self.powersOfTen.count, mantissa <= 1 << 53 {
            let magnitude = Double(mantissa) / Self.powersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        // The grammar is checked above, so the standard parser sees a valid number; beyond the range it gives an
        // infinity, which JSONDecoder refuses: leave that to it.
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)),
              value.isFinite else { return nil }
        return value
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

    /// Skips any value (for unknown keys), checking it as strictly as the readers do.
    mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 32, let first = peek() else { return false }
        switch first {
        case 0x22: return string() != nil
        case 0x7B:
            index += 1
            if consume(0x7D) { return true }
            repeat {
                guard string() != nil, consume(0x3A), skipValue(depth: depth + 1) else { return false }
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
