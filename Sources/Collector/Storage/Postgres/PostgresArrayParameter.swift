import Foundation
import NIOCore
import PostgresNIO

/// One column of a ``PostgresRowBatch`` as a one-dimensional array parameter (`text[]`, `bigint[]`, `double precision[]`,
/// `bytea[]`, `boolean[]`) in PostgreSQL's binary array format, NULL elements included: postgres-nio's own array
/// encoding has no NULL elements, and a batch's optional columns (temperature, a device's bundle) need them.
struct PostgresArrayParameter: PostgresDynamicTypeEncodable {
    enum Element {
        case text, bigint, double, bytea, boolean

        var type: PostgresDataType {
            switch self {
            case .text: .text
            case .bigint: .int8
            case .double: .float8
            case .bytea: .bytea
            case .boolean: .bool
            }
        }

        var arrayType: PostgresDataType {
            switch self {
            case .text: .textArray
            case .bigint: .int8Array
            case .double: .float8Array
            case .bytea: .byteaArray
            case .boolean: .boolArray
            }
        }

        /// The SQL spelling of the array type, for the cast that documents the parameter in the statement text.
        var sqlArray: String {
            switch self {
            case .text: "text[]"
            case .bigint: "bigint[]"
            case .double: "double precision[]"
            case .bytea: "bytea[]"
            case .boolean: "boolean[]"
            }
        }
    }

    let element: Element
    let values: [PostgresRowBatch.Value]

    var psqlType: PostgresDataType { element.arrayType }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // Header: dimensions, has-nulls flag, element type; then length and lower bound of the one dimension.
        let hasNull = values.contains { $0.isNull }
        buffer.writeInteger(values.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(hasNull ? 1 : 0, as: Int32.self)
        buffer.writeInteger(element.type.rawValue)
        guard !values.isEmpty else { return }
        buffer.writeInteger(Int32(values.count), as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)
        for value in values {
            switch value {
            case .text(let v?):
                buffer.writeInteger(Int32(v.utf8.count), as: Int32.self)
                buffer.writeString(v)
            case .integer(let v?):
                buffer.writeInteger(8, as: Int32.self)
                buffer.writeInteger(v, as: Int64.self)
            case .double(let v?):
                buffer.writeInteger(8, as: Int32.self)
                buffer.writeInteger(v.bitPattern, as: UInt64.self)
            case .bytes(let v?):
                buffer.writeInteger(Int32(v.count), as: Int32.self)
                buffer.writeBytes(v)
            case .boolean(let v?):
                buffer.writeInteger(1, as: Int32.self)
                buffer.writeInteger(v ? 1 : 0, as: UInt8.self)
            case .text(nil), .integer(nil), .double(nil), .bytes(nil), .boolean(nil):
                buffer.writeInteger(-1, as: Int32.self)
            }
        }
    }
}
