import PostgresNIO

extension PostgresRowBatch {
    /// Binds every column as one array parameter and returns the row source `unnest($k::type[], …) AS alias(columns)`
    /// naming them: a statement over the whole batch whose text and parameter count do not depend on the number of rows
    /// (parsed in the same time for 1 row or 4,000, and under no parameter limit). The arrays are appended to
    /// `bindings` after what it holds, so the caller numbers its own parameters before or after. The batch must not be
    /// empty (the column types are read from its first row).
    func unnest(as alias: String, bindings: inout PostgresBindings) -> String {
        precondition(!rows.isEmpty, "unnest of an empty batch of \(table)")
        var arguments: [String] = []
        for column in columns.indices {
            let element = rows[0][column].element
            bindings.append(PostgresArrayParameter(element: element, values: rows.map { $0[column] }))
            arguments.append("$\(bindings.count)::\(element.sqlArray)")
        }
        return "unnest(\(arguments.joined(separator: ", "))) AS \(alias)(\(columns.joined(separator: ", ")))"
    }

    /// `INSERT INTO table (columns) SELECT * FROM unnest(…)` followed by `suffix` (an `ON CONFLICT` clause, `RETURNING`):
    /// the rows are inserted in their order, so keys appended sorted are locked sorted.
    func insertQuery(suffix: String = "") -> PostgresQuery {
        var bindings = PostgresBindings(capacity: columns.count)
        let source = unnest(as: "batch", bindings: &bindings)
        return PostgresQuery(unsafeSQL: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT * FROM \(source) \(suffix)",
                             binds: bindings)
    }
}

extension PostgresRowBatch.Value {
    var isNull: Bool {
        switch self {
        case .text(let v): v == nil
        case .integer(let v): v == nil
        case .double(let v): v == nil
        case .bytes(let v): v == nil
        case .boolean(let v): v == nil
        }
    }

    /// The element type of the column this value belongs to (set even for NULL: the row appenders are typed).
    var element: PostgresArrayParameter.Element {
        switch self {
        case .text: .text
        case .integer: .bigint
        case .double: .double
        case .bytes: .bytea
        case .boolean: .boolean
        }
    }
}
