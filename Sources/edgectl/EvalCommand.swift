#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import TFLite
import Training

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a .tflite classifier on a labelled CSV: accuracy, per-class precision/recall, confusion matrix.",
        discussion: """
            Runs every row through the EdgeFleet runtime. Features are the model input's real values (quantised \
            with the input's scale and zero point when it is int8). Labels are matched to outputs by the class \
            names the trainer records in the model, else label k means output k. For an exported autoencoder, \
            prints anomaly-score statistics instead.
            """
    )

    @Option(help: "The .tflite model.")
    var model: String

    @Option(help: "Labelled data (CSV, label in the last column).")
    var data: String

    @Option(help: "Evaluate only the test split of `edgectl train --test-every N` (rows N-1, 2N-1, ...); 0: every row.")
    var testEvery: Int = 0

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if testEvery < 0 || testEvery == 1 { throw ValidationError("--test-every must be 0 or at least 2") }
    }

    func run() throws {
        let parsed = try FileAccess.loadModel(model)
        do {
            let all = try Dataset(csvFile: data)
            let dataset = testEvery > 0 ? all.split(testEvery: testEvery).test : all
            let evaluator = try ModelEvaluator(model: parsed)
            if evaluator.metadata?.task == .autoencoder {
                var scores: [Float] = []
                for r in 0..<dataset.rowCount { scores.append(try evaluator.anomalyScore(dataset.row(r))) }
                let summary = AnomalySummary(rows: scores.count, scores: scores)
                print(json ? try Self.json(summary) : summary.text)
                return
            }
            let report = try evaluator.evaluate(dataset)
            print(json ? try Self.json(report) : Self.text(report, model: model, data: data))
        } catch let error as TrainingError {
            throw CommandLineError(error.message)
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func text(_ r: ClassificationReport, model: String, data: String) -> String {
        var lines = ["\(model) on \(data): \(r.rows) rows, accuracy \(TrainFormat.fixed(r.accuracy, 4))", ""]
        let nameWidth = max(5, r.classes.map(\.count).max() ?? 0)
        func cell(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        lines.append(cell("class", nameWidth) + "  precision  recall  support")
        for (k, name) in r.classes.enumerated() {
            lines.append(cell(name, nameWidth) + cell(TrainFormat.fixed(r.precision[k], 4), 11)
                         + cell(TrainFormat.fixed(r.recall[k], 4), 8) + cell(String(r.support[k]), 9))
        }
        lines.append("")
        lines.append("confusion matrix (rows: true class, columns: predicted)")
        let w = max(nameWidth, (r.confusion.flatMap { $0 }.max() ?? 0).description.count) + 1
        lines.append(cell("", nameWidth) + r.classes.map { cell($0, w) }.joined())
        for (k, name) in r.classes.enumerated() {
            lines.append(cell(name, nameWidth) + r.confusion[k].map { cell(String($0), w) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

/// Anomaly scores of an autoencoder over a data set.
struct AnomalySummary: Encodable {
    var rows: Int
    var mean: Double
    var p50: Double
    var p95: Double
    var max: Double

    init(rows: Int, scores: [Float]) {
        self.rows = rows
        let sorted = scores.map(Double.init).sorted()
        func quantile(_ q: Double) -> Double { sorted.isEmpty ? .nan : sorted[Int((Double(sorted.count - 1) * q).rounded())] }
        mean = sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count)
        p50 = quantile(0.5)
        p95 = quantile(0.95)
        max = sorted.last ?? .nan
    }

    var text: String {
        "\(rows) rows, anomaly score (mean squared reconstruction error, standardised units): mean \(TrainFormat.fixed(mean, 4)), median \(TrainFormat.fixed(p50, 4)), p95 \(TrainFormat.fixed(p95, 4)), max \(TrainFormat.fixed(max, 4))"
    }
}
