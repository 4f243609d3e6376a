#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Any JSON value, so configuration files can be merged with command-line overrides before typed decoding.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers go out as integers so Int fields decode them.
            if value.rounded() == value, abs(value) < 9e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// A command-line value: JSON when it parses as JSON (numbers, booleans, null, arrays, objects), a string otherwise.
    public static func fromArgument(_ text: String) -> JSONValue {
        if let parsed = try? parse(Array(text.utf8)) { return parsed }
        return .string(text)
    }

    /// Sets the value at a dotted path, creating objects on the way; fails where a non-object is in the way.
    public mutating func set(_ value: JSONValue, at path: [String]) -> Bool {
        guard let first = path.first else {
            self = value
            return true
        }
        var object: [String: JSONValue]
        switch self {
        case .object(let existing): object = existing
        case .null: object = [:]
        default: return false
        }
        var child = object[first] ?? .null
        guard child.set(value, at: Array(path.dropFirst())) else { return false }
        object[first] = child
        self = .object(object)
        return true
    }
}
