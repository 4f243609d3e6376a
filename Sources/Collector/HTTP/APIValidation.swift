import FleetProtocol

/// The constraints of docs/openapi.yaml that the generated server does not check (patterns, minimums), checked
/// by the handlers before anything else so a schema-violating request is a 400, never a 200 or a 500.
enum APIValidation {
    static func deviceID(_ id: String) throws(CollectorError) {
        do { try FleetProtocol.validateDeviceID(id) } catch { throw CollectorError(.invalidRequest, error.message) }
    }

    /// `^[A-Za-z0-9._-]{1,128}$`, as bundle manifests name models.
    static func modelName(_ name: String) throws(CollectorError) {
        guard (1...128).contains(name.utf8.count), name.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 46 || $0 == 95 || $0 == 45 }) else {
            throw CollectorError(.invalidRequest, "model name '\(name)' must be 1 to 128 of A-Z a-z 0-9 . _ -")
        }
    }

    static func digest(_ digest: String) throws(CollectorError) {
        do { try FleetProtocol.validateDigest(digest) } catch { throw CollectorError(.invalidRequest, error.message) }
    }

    static func alias(_ alias: String) throws(CollectorError) {
        try ModelRegistry.validateAlias(alias)
    }

    static func release(_ value: Int) throws(CollectorError) -> UInt64 {
        guard value >= 1 else { throw CollectorError(.invalidRequest, "release must be a release counter (1 or more), got \(value)") }
        return UInt64(value)
    }

    /// `limit`, within `1…maximum`; `value` when absent.
    static func limit(_ limit: Int?, default value: Int, maximum: Int) throws(CollectorError) -> Int {
        guard let limit else { return value }
        guard limit >= 1, limit <= maximum else { throw CollectorError(.invalidRequest, "'limit' must be within 1…\(maximum), got \(limit)") }
        return limit
    }

    /// An integer parameter with `minimum: 0` and `maximum: 2^53 - 1` in the spec.
    static func nonNegative(_ value: Int?, _ name: String) throws(CollectorError) -> Int64? {
        guard let value else { return nil }
        guard value >= 0, value <= maximumInteger else {
            throw CollectorError(.invalidRequest, "'\(name)' must be within 0…\(maximumInteger), got \(value)")
        }
        return Int64(value)
    }

    /// `from`/`to` in ms since 1970, defaulting to the last `defaultSpan` milliseconds; nil when the range is
    /// empty (`from` not before `to`), which answers with an empty list rather than an error.
    static func timeRange(from: Int?, to: Int?, defaultSpan: Int64, now: Int64) throws(CollectorError) -> TimeRange? {
        let to = try nonNegative(to, "to") ?? now + 1
        let from = try nonNegative(from, "from") ?? to - defaultSpan
        return from < to ? TimeRange(from: from, to: to) : nil
    }

    static func number(_ value: Double?, _ name: String, within range: ClosedRange<Double>) throws(CollectorError) {
        guard let value else { return }
        guard range.contains(value) else { throw CollectorError(.invalidRequest, "'\(name)' must be within \(range.lowerBound)…\(range.upperBound), got \(value)") }
    }

    static func labels(_ labels: [String]?) throws(CollectorError) {
        guard let labels else { return }
        guard labels.count <= 64 else { throw CollectorError(.invalidRequest, "at most 64 labels, got \(labels.count)") }
        for label in labels { try LabelList.validate(label) }
    }

    /// The largest integer the spec allows (JSON's exact range).
    static let maximumInteger = 9_007_199_254_740_991
}
