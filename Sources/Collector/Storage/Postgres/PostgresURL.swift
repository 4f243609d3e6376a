import Foundation

/// The parts of a `postgres://user:password@host:port/database` URL (`postgresql://` too); percent-escapes decoded.
struct PostgresURL: Sendable, Equatable {
    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String?

    init(_ text: String) throws(CollectorError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else {
            throw CollectorError(.invalidConfiguration,
                "storage.url must look like postgres://user:password@host:5432/database, not \"\(PostgresURL.redacted(text))\"")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
    }

    /// The URL with its password replaced, for messages and logs.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "postgres://…"
    }
}
