import Foundation

/// Converts the store's records into the generated API types through their JSON form.
///
/// The records' `Encodable` output is what docs/openapi.yaml describes, so one encode and decode keeps the two in
/// step without a hand-written field-by-field copy per schema; a record the spec cannot describe is a 500.
enum APIBridge {
    static func convert<T: Decodable>(_ value: some Encodable, to target: T.Type = T.self) throws(APIInternalError) -> T {
        let data: Data
        do { data = try JSONEncoder().encode(value) } catch { throw APIInternalError("encoding \(type(of: value)): \(error)") }
        return try decode(data)
    }

    static func decode<T: Decodable>(_ data: some Sequence<UInt8>, as target: T.Type = T.self) throws(APIInternalError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(data)) } catch {
            throw APIInternalError("a record does not match docs/openapi.yaml's \(T.self): \(error)")
        }
    }
}
