import Hummingbird

/// Query parameters of dashboard pages (the API's are parsed by the generated server).
extension Request {
    /// A query parameter as text.
    func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }

    func query(_ name: String, as type: Int64.Type) throws(CollectorError) -> Int64? {
        guard let text = query(name) else { return nil }
        guard let value = Int64(text) else { throw CollectorError(.invalidRequest, "query parameter '\(name)' must be an integer, got '\(text.prefix(64))'") }
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
}
