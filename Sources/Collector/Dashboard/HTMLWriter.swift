/// Appends HTML to a byte buffer: literals as they are, text escaped. For the one page too large for templates.
struct HTMLWriter {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Text escaped for element content and quoted attribute values.
    mutating func text(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case 0x26: raw("&amp;")
            case 0x3C: raw("&lt;")
            case 0x3E: raw("&gt;")
            case 0x22: raw("&quot;")
            case 0x27: raw("&#39;")
            default: bytes.append(byte)
            }
        }
    }
}
