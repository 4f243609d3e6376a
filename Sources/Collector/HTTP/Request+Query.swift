import Hummingbird

extension Request {
    /// A query parameter as text.
    func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }

    /// An integer query parameter, `invalidRequest` if present but not an integer.
    func query(_ name: String, as type: Int64.Type) throws(CollectorError) -> Int64? {
        guard let text = query(name) else { return nil }
        guard let value = Int64(text) else { throw CollectorError(.invalidRequest, "query parameter '\(name)' must be an integer, got '\(text)'") }
        return value
    }

    func query(_ name: String, as type: Bool.Type) throws(CollectorError) -> Bool? {
        guard let text = query(name) else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw CollectorError(.invalidRequest, "query parameter '\(name)' must be true or false, got '\(text)'")
        }
    }

    /// `from`/`to` in ms since 1970; defaults to the last `defaultSpan` milliseconds.
    func timeRange(defaultSpan: Int64) throws(CollectorError) -> TimeRange {
        let now = IngestService.now()
        let to = try query("to", as: Int64.self) ?? now + 1
        let from = try query("from", as: Int64.self) ?? to - defaultSpan
        guard from < to else { throw CollectorError(.invalidRequest, "'from' (\(from)) must be before 'to' (\(to))") }
        return TimeRange(from: from, to: to)
    }

    /// `limit`, bounded.
    func limit(default value: Int, maximum: Int) throws(CollectorError) -> Int {
        guard let limit = try query("limit", as: Int64.self) else { return value }
        guard limit >= 1, limit <= maximum else { throw CollectorError(.invalidRequest, "'limit' must be within 1…\(maximum)") }
        return Int(limit)
    }
}
