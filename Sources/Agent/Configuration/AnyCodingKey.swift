/// A coding key for any string, to list the keys an object actually has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) { self.stringValue = stringValue }

    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension KeyedDecodingContainer {
    /// Refuses keys that `Known` does not list, so a misspelt setting fails at start-up instead of being ignored.
    func rejectUnknownKeys<Known: CodingKey & CaseIterable>(_ known: Known.Type, decoder: any Decoder) throws {
        let names = Set(Known.allCases.map(\.stringValue))
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !names.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [key],
                debugDescription: "unknown key; known keys here: \(names.sorted().joined(separator: ", "))"))
        }
    }
}
