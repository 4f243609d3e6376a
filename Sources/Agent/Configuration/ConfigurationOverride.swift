/// One `key=value` override from the command line; the value is JSON when it parses, a string otherwise.
public struct ConfigurationOverride: Sendable, Equatable {
    /// The dotted key, e.g. `telemetry.intervalSeconds`.
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    /// Parses `key=value`.
    public init(parsing text: String) throws(ConfigurationError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ConfigurationError(.invalidArgument, key: "", "'\(text)' is not KEY=VALUE (e.g. telemetry.intervalSeconds=5)")
        }
        self.init(key: String(text[..<equals]), value: JSONValue.fromArgument(String(text[text.index(after: equals)...])))
    }

    /// A string-valued override that must not be reinterpreted as JSON (paths, IDs, hosts).
    public static func string(_ key: String, _ value: String) -> ConfigurationOverride {
        ConfigurationOverride(key: key, value: .string(value))
    }
}
