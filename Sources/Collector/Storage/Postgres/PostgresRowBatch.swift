import Foundation
import PostgresNIO

/// Rows for one multi-row statement: either a multi-row `INSERT … VALUES` bound value by value (split under PostgreSQL's
/// 65,535-parameter limit), or one array parameter per column for `unnest(…)` (`PostgresRowBatch+Unnest.swift`): a batch's
/// rows are a statement or a few, never one round trip per row.
struct PostgresRowBatch {
    /// A value of a row, kept until the statements are built (bindings cannot be concatenated).
    enum Value {
        case text(String?)
        case integer(Int64?)
        case double(Double?)
        case bytes(Data?)
        case boolean(Bool?)
    }

    /// One row's values, appended in column order.
    struct Row {
        var values: [Value] = []

        mutating func append(_ value: String?) { values.append(.text(value)) }
        mutating func append(_ value: Int64?) { values.append(.integer(value)) }
        mutating func append(_ value: Double?) { values.append(.double(value)) }
        mutating func append(_ value: Data?) { values.append(.bytes(value)) }
        mutating func append(_ value: Bool?) { values.append(.boolean(value)) }
    }

    let table: String
    let columns: [String]
    private(set) var rows: [[Value]] = []

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    var isEmpty: Bool { rows.isEmpty }
    var count: Int { rows.count }

    mutating func append(_ fill: (inout Row) -> Void) {
        var row = Row()
        row.values.reserveCapacity(columns.count)
        fill(&row)
        precondition(row.values.count == columns.count, "a row of \(table) needs \(columns.count) values, got \(row.values.count)")
        rows.append(row.values)
    }

    /// The statements inserting every row, in order, each followed by `suffix` (an `ON CONFLICT` clause or nothing).
    func queries(suffix: String) throws -> [PostgresQuery] {
        guard !rows.isEmpty else { return [] }
        let perStatement = max(1, min(1000, Int(UInt16.max) / columns.count))
        var queries: [PostgresQuery] = []
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var bindings = PostgresBindings(capacity: columns.count * chunk.count)
            var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            for (rowIndex, row) in chunk.enumerated() {
                sql += rowIndex == 0 ? "(" : ", ("
                for (index, value) in row.enumerated() {
                    switch value {
                    case .text(let v): bindings.append(v)
                    case .integer(let v): bindings.append(v)
                    case .double(let v): bindings.append(v)
                    case .bytes(let v): try bindings.append(v)  // Data's encoding is declared throwing
                    case .boolean(let v): bindings.append(v)
                    }
                    sql += index == 0 ? "$\(bindings.count)" : ", $\(bindings.count)"
                }
                sql += ")"
            }
            queries.append(PostgresQuery(unsafeSQL: sql + " " + suffix, binds: bindings))
        }
        return queries
    }
}
