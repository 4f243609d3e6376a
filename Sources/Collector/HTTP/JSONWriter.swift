/// Appends JSON to a byte buffer by hand, for the few responses too large for `JSONEncoder` (10,000 devices).
///
/// Output matches `JSONEncoder` with sorted keys as the API documents it: absent optionals are omitted.
struct JSONWriter {
    var bytes: [UInt8] = []
    /// One bit per nesting level (up to 63): whether the next value there needs a comma before it.
    private var commas: UInt64 = 0
    private var depth = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() {
        separate()
        bytes.append(0x7B)
        push()
    }

    mutating func endObject() {
        bytes.append(0x7D)
        depth -= 1
    }

    mutating func beginArray() {
        separate()
        bytes.append(0x5B)
        push()
    }

    mutating func endArray() {
        bytes.append(0x5D)
        depth -= 1
    }

    /// Writes `"name":` (the value follows).
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(0x22)
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(0x22)
        bytes.append(0x3A)
        commas &= ~(1 << UInt64(depth))
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(0x22)
        var value = value
        let plain = value.withUTF8 { utf8 -> Bool in
            // Most strings need no escaping: copy them in one go.
            guard !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if plain {
            bytes.append(0x22)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    mutating func number(_ value: UInt64) {
        separate()
        appendDigits(value)
    }

    mutating func number(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(0x2D) }
        appendDigits(value.magnitude)
    }

    mutating func number(_ value: Int) { number(Int64(value)) }

    /// Doubles as `JSONEncoder` writes them (shortest round-trip form; integral values without a fraction).
    mutating func number(_ value: Double) {
        separate()
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            if value < 0 { bytes.append(0x2D) }
            appendDigits(UInt64(abs(value)))
        } else {
            bytes.append(contentsOf: "\(value)".utf8)
        }
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    private mutating func push() {
        depth += 1
        commas &= ~(1 << UInt64(depth))
    }

    private mutating func separate() {
        let bit: UInt64 = 1 << UInt64(depth)
        if commas & bit != 0 { bytes.append(0x2C) }
        commas |= bit
    }

    private mutating func appendDigits(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[23 - count] = 0x30 + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }
}
