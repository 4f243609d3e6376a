import Foundation
import TestSupport
import Training

/// Deterministic data sets and shared helpers for the training tests.
enum TestData {
    static var digitsPath: String { Fixtures.root.appendingPathComponent("Tests/Fixtures/datasets/digits.csv").path }

    static func digits() throws -> Dataset { try Dataset(csvFile: digitsPath) }

    /// An approximately normal value (sum of four uniforms, centred and scaled).
    static func normal(_ g: inout SeededGenerator) -> Float {
        var s: Float = 0
        for _ in 0..<4 { s += Float.random(in: 0..<1, using: &g) }
        return (s - 2) * 1.732
    }

    /// Gaussian blobs: `classes` clusters in `features` dimensions, well separated.
    static func blobs(classes: Int, features: Int, rows: Int, seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        let centres = (0..<classes).map { _ in (0..<features).map { _ in Float.random(in: -4...4, using: &g) } }
        var x: [Float] = [], y: [Int] = []
        for r in 0..<rows {
            let c = r % classes
            for f in 0..<features { x.append(centres[c][f] + 0.5 * normal(&g)) }
            y.append(c)
        }
        return Dataset(featureNames: (0..<features).map { "f\($0)" }, features: x, labels: y,
                       classNames: (0..<classes).map(String.init))
    }

    /// Features of wildly different ranges: one in thousands, one in hundredths, one noise column. The class
    /// depends on both informative columns, so an int8 input quantised without standardisation would lose one.
    static func mixedRanges(rows: Int, seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Int] = []
        for _ in 0..<rows {
            let big = Float.random(in: 1000...5000, using: &g)
            let small = Float.random(in: 0.01...0.05, using: &g)
            let noise = Float.random(in: -1...1, using: &g)
            x += [big, small, noise]
            y.append((big > 3000 ? 1 : 0) + (small > 0.03 ? 2 : 0))
        }
        return Dataset(featureNames: ["revenue", "ratio", "noise"], features: x, labels: y, classNames: ["0", "1", "2", "3"])
    }

    /// Eight features on a two-dimensional manifold plus a little noise (for the autoencoder).
    static func manifold(rows: Int, seed: UInt64, anomalous: Bool = false) -> Dataset {
        var g = SeededGenerator(seed: seed)
        var x: [Float] = []
        for _ in 0..<rows {
            if anomalous {
                for _ in 0..<8 { x.append(3 * normal(&g)) }
            } else {
                let a = normal(&g), b = normal(&g)
                let row: [Float] = [a, b, a + b, a - b, 2 * a, 0.5 * b, a + 0.3 * b, -b]
                x += row.map { $0 + 0.05 * normal(&g) }
            }
        }
        return Dataset(featureNames: (0..<8).map { "m\($0)" }, features: x, labels: [Int](repeating: 0, count: rows),
                       classNames: ["0"])
    }

    /// CSV text of a data set (header, features, label).
    static func csv(_ data: Dataset) -> String {
        var lines = [(data.featureNames + [data.labelName]).joined(separator: ",")]
        for r in 0..<data.rowCount {
            lines.append((data.row(r).map { "\($0)" } + [data.classNames[data.labels[r]]]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Saves exported models and their test inputs for scripts/verify-export.sh, when it asks for them through
/// EDGEFLEET_EXPORT_DIR: `<name>.tflite` and `<name>.inputs.bin` (the input tensors of the rows, concatenated).
enum ExportedModels {
    static func save(_ name: String, model: [UInt8], inputs: [[UInt8]]) throws {
        guard let dir = ProcessInfo.processInfo.environment["EDGEFLEET_EXPORT_DIR"], !dir.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(model).write(to: URL(fileURLWithPath: "\(dir)/\(name).tflite"))
        try Data(inputs.flatMap { $0 }).write(to: URL(fileURLWithPath: "\(dir)/\(name).inputs.bin"))
    }

    /// Saves `model` with the input bytes of every row of `rows` as `ModelEvaluator` would feed them.
    static func save(_ name: String, model: [UInt8], rows: Dataset, evaluator: ModelEvaluator) throws {
        try save(name, model: model, inputs: (0..<rows.rowCount).map { evaluator.inputBytes(rows.row($0)) })
    }
}
