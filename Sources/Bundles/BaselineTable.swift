/// Reference data for the drift baseline, read from CSV: a header row of feature names, then one row per sample.
public struct BaselineTable: Sendable, Equatable {
    public var columns: [String]
    /// Cells as text, one array per row, each as long as `columns`.
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF); blank lines are skipped.
    public init(csv bytes: [UInt8]) throws(BundleError) {
        var records: [[String]] = []
        var field: [UInt8] = []
        var record: [String] = []
        var inQuotes = false
        var index = 0
        var line = 1
        func endField() { record.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        func endRecord() {
            endField()
            if !(record.count == 1 && record[0].trimmed.isEmpty) { records.append(record) }
            record.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") { field.append(byte); index += 1 } else { inQuotes = false }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inQuotes = true
                case UInt8(ascii: ","): endField()
                case UInt8(ascii: "\r"): break
                case UInt8(ascii: "\n"): endRecord(); line += 1
                default: field.append(byte)
                }
            }
            index += 1
        }
        guard !inQuotes else { throw BundleError(.invalidInput, "baseline CSV: unterminated quoted field at line \(line)") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let header = records.first else { throw BundleError(.invalidInput, "baseline CSV is empty; it needs a header row and data rows") }
        columns = header.map(\.trimmed)
        guard Set(columns).count == columns.count, !columns.contains("") else {
            throw BundleError(.invalidInput, "baseline CSV header has empty or repeated column names")
        }
        rows = []
        for (offset, record) in records.dropFirst().enumerated() {
            guard record.count == columns.count else {
                throw BundleError(.invalidInput, "baseline CSV row \(offset + 1) has \(record.count) fields, the header has \(columns.count)")
            }
            rows.append(record.map(\.trimmed))
        }
        guard !rows.isEmpty else { throw BundleError(.invalidInput, "baseline CSV has a header but no data rows") }
    }

    /// The numeric values of one column.
    public func numbers(in column: String) throws(BundleError) -> [Double] {
        guard let position = columns.firstIndex(of: column) else {
            throw BundleError(.invalidInput, "baseline CSV has no column '\(column)'")
        }
        var values: [Double] = []
        values.reserveCapacity(rows.count)
        for (offset, row) in rows.enumerated() {
            guard let value = Double(row[position]), value.isFinite else {
                throw BundleError(.invalidInput, "baseline CSV row \(offset + 1), column '\(column)': '\(row[position])' is not a finite number")
            }
            values.append(value)
        }
        return values
    }
}
