import Foundation
import PostgresNIO

/// Rows for one statement over the whole batch, bound as one array parameter per column for `unnest(…)`
/// (`PostgresRowBatch+Unnest.swift`): a batch's rows are one statement per table, never one round trip per row.
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
}
