import Bundles
import Drift
import FuzzSupport
import Training

// Fuzz target: every CSV reader that takes operator-supplied files.
//
// - Training's `Dataset(csv:)` (`edgectl train`, `eval`, `gate`),
// - edgectl's `DriftCSV` (`edgectl drift`; compiled in from Sources/edgectl),
// - the bundle builder's `BaselineTable(csv:)` (RFC 4180 with quotes) and its numeric columns.
// Each must accept or refuse with its error type, never trap. Input: the file's bytes, given to all three readers.
FuzzDriver.run { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    if let dataset = try? Dataset(csv: text, source: "fuzz") {
        FuzzDriver.check(dataset.features.count == dataset.labels.count * dataset.featureNames.count,
                         "features \(dataset.features.count) != rows \(dataset.labels.count) x columns \(dataset.featureNames.count)")
    }
    if let drift = try? DriftCSV(path: "fuzz.csv", text: text) {
        FuzzDriver.check(drift.columns.allSatisfy { $0.values.count == drift.rows }, "a drift column's length differs from the row count")
    }
    if let table = try? BaselineTable(csv: bytes) {
        for column in table.columns { _ = try? table.numbers(in: column) }
    }
}
