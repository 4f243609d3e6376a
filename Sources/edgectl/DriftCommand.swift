#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import Drift

/// `edgectl drift`: the fleet's drift statistics offline on raw rows.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare a current CSV with a baseline CSV: PSI, Jensen–Shannon, Wasserstein, chi-square; verdict per feature and for the dataset.",
        discussion: """
            Both files have a header row and numeric columns, matched by name (the current file may have extra columns; \
            it must have every baseline column). Each baseline column is cut into --bins quantile bins and the current \
            column counted into them. A feature drifts when its Benjamini–Hochberg-adjusted chi-square p-value is below \
            alpha AND an effect size (PSI, Jensen–Shannon distance, normalised Wasserstein), less its sampling-noise \
            allowance, reaches its threshold; fewer than minimum_samples rows give insufficient_data. A missing or \
            non-numeric cell is an error naming file, line and column. Exit status 0 whenever the comparison ran, \
            whatever the verdict. See docs/drift.md for the statistics and the --json schema.
            """
    )

    @Option(help: "The baseline (reference) CSV.")
    var baseline: String

    @Option(help: "The current CSV.")
    var current: String

    @Option(help: "Quantile bins per feature (fewer when the baseline has ties).")
    var bins = 10

    @Option(name: .customLong("prediction"), help: "A column holding a model output: reported separately, not in the dataset verdict (repeatable).")
    var predictions: [String] = []

    @Option(help: "A JSON DriftPolicy (thresholds, minimum_samples, alpha, ...); unspecified keys keep their defaults.")
    var policy: String?

    @Flag(help: "Print one JSON object (schema edgefleet.drift.v1) instead of text.")
    var json = false

    func validate() throws {
        if bins < 2 || bins > 1000 { throw ValidationError("--bins must be between 2 and 1000") }
    }

    func run() throws {
        var driftPolicy = DriftPolicy()
        if let policy {
            do {
                driftPolicy = try JSONDecoder().decode(DriftPolicy.self, from: Data(try FileAccess.read(policy)))
            } catch let error as CommandLineError {
                throw error
            } catch {
                throw CommandLineError("\(policy): not a valid drift policy JSON object (\(error))")
            }
        }
        let base = try DriftCSV(path: baseline)
        let window = try DriftCSV(path: current)
        for name in predictions where !base.columns.contains(where: { $0.name == name }) {
            throw CommandLineError("--prediction \(name): \(baseline) has no such column")
        }
        let currentNames = Set(window.columns.map(\.name))
        if let missing = base.columns.first(where: { !currentNames.contains($0.name) }) {
            throw CommandLineError("\(current): no column \(missing.name); the current file needs every baseline column")
        }
        let report: DriftReport
        do {
            report = try DriftAnalyzer.compare(baseline: base.columns, current: window.columns, bins: bins, policy: driftPolicy,
                                               predictions: Set(predictions))
        } catch let error as DriftError {
            throw CommandLineError(error.message)
        }
        let output = DriftCommandOutput(report: report, baseline: base, current: window, bins: bins, policy: driftPolicy)
        print(json ? try EvalCommand.json(output) : Self.text(output))
    }

    static func text(_ o: DriftCommandOutput) -> String {
        func cell(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
        func p(_ value: Double) -> String { value < 0.0001 ? "<0.0001" : TrainFormat.fixed(value, 4) }
        let nameWidth = max(8, (o.features + o.predictions).map(\.feature.count).max() ?? 0) + 2
        var lines = [cell("feature", nameWidth) + cell("method", 16) + cell("statistic", 11) + cell("p_value", 10) + cell("p_adjusted", 12) + "verdict"]
        func row(_ f: FeatureDrift) -> String {
            cell(f.feature, nameWidth) + cell(f.method.rawValue, 16) + cell(TrainFormat.fixed(f.statistic, 4), 11)
                + cell(p(f.pValue), 10) + cell(p(f.adjustedPValue), 12) + f.verdict.rawValue
        }
        lines += o.features.map(row)
        if !o.predictions.isEmpty {
            lines.append("predictions:")
            lines += o.predictions.map(row)
            lines.append("prediction verdict: \((o.predictionVerdict ?? .insufficientData).rawValue)")
        }
        for r in o.rejected { lines.append("rejected \(r.feature): \(r.code.rawValue): \(r.message)") }
        let compared = o.features.filter { $0.verdict != .insufficientData }.count
        lines.append("dataset: \(o.verdict.rawValue) (\(o.driftingFeatures) of \(compared) features drifting, share \(TrainFormat.fixed(o.driftShare, 2)), threshold \(TrainFormat.fixed(o.policy.datasetDriftShare, 2)))")
        lines.append("rows: baseline \(o.baselineRows), current \(o.currentRows) (minimum \(o.policy.minimumSamples)); bins \(o.bins)")
        return lines.joined(separator: "\n")
    }
}
