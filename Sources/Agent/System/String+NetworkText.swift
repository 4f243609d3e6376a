extension String {
    /// The longest text from the network that goes into a log line or an event.
    public static let networkTextLimit = 128

    /// This text, from the network, made safe for a log line or an event: at most `limit` characters (Unicode
    /// scalars, so at most 4 × `limit` bytes), control characters (newlines included) shown as `?`, and
    /// `…(N more)` when cut.
    ///
    /// Why: a peer chooses these strings; verbatim, one message could add kilobytes to every log line and event
    /// it is quoted in, or forge log lines with newlines.
    public func networkText(limit: Int = networkTextLimit) -> String {
        var result = String.UnicodeScalarView()
        var count = 0
        for scalar in unicodeScalars {
            count += 1
            guard count <= limit else { continue }
            let value = scalar.value
            result.append(value < 0x20 || (0x7F..<0xA0).contains(value) ? "?" : scalar)
        }
        return count <= limit ? String(result) : String(result) + "…(\(count - limit) more)"
    }
}
