import Drift

/// A numeric CSV for `edgectl drift`: a header row of column names, then one numeric value per cell.
///
/// Deliberately strict: a missing, non-numeric or non-finite cell, or a row with the wrong number of cells, is an
/// error naming the file, the line (1-based, the header is line 1) and the column, because a silently skipped
/// cell would bias the very distributions being compared.
struct DriftCSV {
    var path: String
    var columns: [FeatureColumn]
    var rows: Int

    init(path: String) throws {
        let bytes = try FileAccess.read(path)
        try self.init(path: path, text: String(decoding: bytes, as: UTF8.self))
    }

    init(path: String, text: String) throws {
        self.path = path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        guard let header = lines.first else { throw CommandLineError("\(path): empty file; expected a header row of column names") }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map { Self.unquote(Self.trim($0)) }
        if let blank = names.firstIndex(where: \.isEmpty) {
            throw CommandLineError("\(path): line 1: column \(blank + 1) has no name; the first row must name every column")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw CommandLineError("\(path): line 1: column \(name) appears twice")
        }
        var values = [[Double]](repeating: [], count: names.count)
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == names.count else {
                throw CommandLineError("\(path): line \(number): \(cells.count) cells but the header has \(names.count) columns")
            }
            for (c, cell) in cells.enumerated() {
                let text = Self.unquote(Self.trim(cell))
                if text.isEmpty { throw CommandLineError("\(path): line \(number), column \(names[c]): missing value") }
                guard let value = Double(text) else {
                    throw CommandLineError("\(path): line \(number), column \(names[c]): '\(text)' is not a number")
                }
                guard value.isFinite else {
                    throw CommandLineError("\(path): line \(number), column \(names[c]): '\(text)' is not a finite number")
                }
                values[c].append(value)
            }
        }
        guard lines.count > 1 else { throw CommandLineError("\(path): no data rows after the header") }
        columns = names.indices.map { FeatureColumn(name: names[$0], values: values[$0]) }
        rows = lines.count - 1
    }

    private static func trim(_ s: Substring) -> Substring {
        var s = s
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }

    private static func unquote(_ s: Substring) -> String {
        s.count >= 2 && s.first == "\"" && s.last == "\"" ? String(s.dropFirst().dropLast()) : String(s)
    }
}
