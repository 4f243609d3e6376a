extension Decoder {
    /// Refuses keys that `Known` does not list, so a misspelt setting fails at start-up instead of being ignored.
    ///
    /// The agent's and the collector's configuration files both reject unknown keys with this one message.
    public func rejectUnknownKeys<Known: CodingKey & CaseIterable>(_ known: Known.Type) throws {
        try rejectUnknownKeys(allowing: Set(Known.allCases.map(\.stringValue)))
    }

    /// Refuses keys outside `names` (for objects whose keys come from several `CodingKey` types).
    public func rejectUnknownKeys(allowing names: Set<String>) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !names.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key],
                debugDescription: "unknown key; known keys here: \(names.sorted().joined(separator: ", "))"))
        }
    }
}
