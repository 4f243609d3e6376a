import Bundles
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension AgentConfiguration {
    /// Reads the JSON file at `path` (nil: start from an empty object), applies `overrides` in order, decodes
    /// and validates. Every failure names the key and the reason.
    public static func load(path: String?, overrides: [ConfigurationOverride] = []) throws(ConfigurationError) -> AgentConfiguration {
        var json = JSONValue.object([:])
        if let path {
            let bytes: [UInt8]
            do { bytes = try FileIO.read(path) } catch {
                throw ConfigurationError(.unreadable, key: "", "cannot read \(path): \(error.message)")
            }
            do { json = try JSONValue.parse(bytes) } catch {
                throw ConfigurationError(.unreadable, key: "", "\(path) is not valid JSON: \(error)")
            }
            guard case .object = json else {
                throw ConfigurationError(.unreadable, key: "", "\(path) must hold a JSON object")
            }
        }
        for override in overrides {
            let path = override.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.contains(where: \.isEmpty), json.set(override.value, at: path) else {
                throw ConfigurationError(.invalidArgument, key: override.key, "cannot set this key (a value that is not an object is in the way)")
            }
        }
        let configuration = try decode(json)
        try configuration.validate()
        return configuration
    }

    /// Decodes a merged JSON tree, turning decoding errors into the key and the reason.
    public static func decode(_ json: JSONValue) throws(ConfigurationError) -> AgentConfiguration {
        do {
            let bytes = try JSONEncoder().encode(json)
            return try JSONDecoder().decode(AgentConfiguration.self, from: bytes)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw ConfigurationError(.unreadable, key: "", "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> ConfigurationError {
        func key(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let missing, let context):
            return ConfigurationError(.missing, key: key(context.codingPath + [missing]), "required, but absent")
        case .typeMismatch(let type, let context):
            return ConfigurationError(.invalidValue, key: key(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return ConfigurationError(.invalidValue, key: key(context.codingPath), "expected \(typeName(type)), got null")
        case .dataCorrupted(let context):
            let code: ConfigurationError.Code = context.debugDescription.hasPrefix("unknown key") ? .unknownKey : .invalidValue
            return ConfigurationError(code, key: key(context.codingPath), context.debugDescription)
        @unknown default:
            return ConfigurationError(.invalidValue, key: "", "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a value of type \(type)"
        }
    }
}
