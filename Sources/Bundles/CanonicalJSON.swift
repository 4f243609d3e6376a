#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one JSON configuration whose bytes get signed: sorted keys, no whitespace, unescaped slashes.
enum CanonicalJSON {
    static func encode<T: Encodable>(_ value: T, _ what: String) throws(BundleError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(value)) } catch {
            throw BundleError(.invalidInput, "\(what) cannot be encoded as JSON: \(error)")
        }
    }

    /// Human-facing JSON (profiles, inspect output): same key order, indented.
    static func encodePretty<T: Encodable>(_ value: T, _ what: String) throws(BundleError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        do { return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")] } catch {
            throw BundleError(.invalidInput, "\(what) cannot be encoded as JSON: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>, _ what: String,
                                      code: BundleError.Code = .malformed) throws(BundleError) -> T {
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw BundleError(code, "\(what) is not valid: \(describe(error))")
        }
    }

    /// DecodingError's default description is long and nested; a person needs the path and the reason.
    private static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "top level" : joined
        }
        switch decodingError {
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)' at \(path(context))"
        case .typeMismatch(_, let context): return "wrong type at \(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "missing value at \(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription) at \(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
