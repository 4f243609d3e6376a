import Mustache

/// The dashboard's one HTML escaper: `&`, `<`, `>`, `"` and `'` as entities, for element content and quoted attributes.
///
/// Every `{{value}}` in the templates goes through it (it is their Mustache content type, named ``contentTypeName``
/// by each template's `CONTENT_TYPE` pragma), and so does every label the SVG charts write. It walks UTF-8 bytes and
/// returns the string itself when there is nothing to escape (device IDs, versions, figures: nearly everything), which
/// keeps the 10,000-row fleet table cheap; swift-mustache's own escaper walks `Character`s through a dictionary.
struct HTMLEscaper: MustacheContentType {
    /// The name templates select it by: `{{% CONTENT_TYPE: EDGEFLEET_HTML}}`.
    static let contentTypeName = "EDGEFLEET_HTML"

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: needsEscape) else { return nil }
            var escaped = [UInt8]()
            escaped.reserveCapacity(bytes.count + 16)
            escaped.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                switch byte {
                case 0x26: escaped.append(contentsOf: "&amp;".utf8)
                case 0x3C: escaped.append(contentsOf: "&lt;".utf8)
                case 0x3E: escaped.append(contentsOf: "&gt;".utf8)
                case 0x22: escaped.append(contentsOf: "&quot;".utf8)
                case 0x27: escaped.append(contentsOf: "&#39;".utf8)
                default: escaped.append(byte)
                }
            }
            return String(decoding: escaped, as: UTF8.self)
        } ?? text
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27
    }
}
