#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Dataset {
    /// Reads a CSV file: a header row, numeric feature columns and the label in the last column.
    public init(csvFile path: String) throws(TrainingError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError(.io, "cannot read \(path): no such file or not readable")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw TrainingError(.invalidData, "\(path) is not UTF-8 text")
        }
        try self.init(csv: text, source: path)
    }

    /// Parses CSV text; every problem is reported with its line and column before any training starts.
    ///
    /// Cells may be surrounded by spaces or double quotes. Blank lines are skipped. Missing cells, non-numeric
    /// features, rows with a different cell count than the header, and NaN or infinite values are errors, as
    /// are features beyond the float32 range.
    public init(csv text: String, source: String = "data") throws(TrainingError) {
        var header: [String]?
        var features: [Float] = []
        var rawLabels: [String] = []
        var lines: [Int] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so both line endings are matched explicitly.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(Self.clean)
            guard let names = header else {
                guard cells.count >= 2 else {
                    throw TrainingError(.invalidData, "\(source) line \(lineNumber): the header needs at least one feature column and a label column, found \(cells.count) column")
                }
                if let blank = cells.firstIndex(where: \.isEmpty) {
                    throw TrainingError(.invalidData, "\(source) line \(lineNumber): header column \(blank + 1) has no name")
                }
                header = cells
                continue
            }
            guard cells.count == names.count else {
                throw TrainingError(.invalidData, "\(source) line \(lineNumber): \(cells.count) cells, but the header has \(names.count) columns (ragged row)")
            }
            for (c, cell) in cells.dropLast().enumerated() {
                let place = "\(source) line \(lineNumber), column \(c + 1) (\"\(names[c])\")"
                guard !cell.isEmpty else { throw TrainingError(.invalidData, "\(place): missing value") }
                guard let value = Double(cell) else {
                    throw TrainingError(.invalidData, "\(place): \"\(cell)\" is not a number")
                }
                guard value.isFinite else { throw TrainingError(.invalidData, "\(place): \(cell) is NaN or infinite") }
                let single = Float(value)
                guard single.isFinite else { throw TrainingError(.invalidData, "\(place): \(cell) is beyond the float32 range") }
                features.append(single)
            }
            let labelCell = cells[cells.count - 1]
            let place = "\(source) line \(lineNumber), column \(cells.count) (\"\(names[cells.count - 1])\")"
            guard !labelCell.isEmpty else { throw TrainingError(.invalidData, "\(place): missing label") }
            if let number = Double(labelCell), !number.isFinite {
                throw TrainingError(.invalidData, "\(place): label \(labelCell) is NaN or infinite")
            }
            rawLabels.append(Self.normalizedLabel(labelCell))
            lines.append(lineNumber)
        }
        guard let names = header else { throw TrainingError(.invalidData, "\(source) is empty: expected a header row and data rows") }
        let classes = Self.sortedClassNames(Set(rawLabels))
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.init(featureNames: Array(names.dropLast()), labelName: names[names.count - 1], features: features,
                  labels: rawLabels.map { index[$0]! }, classNames: classes, sourceLines: lines, source: source)
    }

    /// A label cell as a class name: integral numbers lose their fraction (`3.0` → `3`) so files agree.
    public static func normalizedLabel(_ cell: String) -> String {
        if let number = Double(cell), number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return cell
    }

    /// Class names in numeric order when all are numbers, else in string order.
    public static func sortedClassNames(_ names: Set<String>) -> [String] {
        let numbers = names.compactMap { name in Double(name).map { (name, $0) } }
        if numbers.count == names.count { return numbers.sorted { $0.1 < $1.1 }.map(\.0) }
        return names.sorted()
    }

    private static func clean(_ cell: Substring) -> String {
        var s = cell.drop(while: { $0 == " " || $0 == "\t" })
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        if s.count >= 2, s.first == "\"", s.last == "\"" { s = s.dropFirst().dropLast() }
        return String(s)
    }
}
