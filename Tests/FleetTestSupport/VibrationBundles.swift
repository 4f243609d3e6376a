import Bundles
import Drift
import Foundation
import TFLite
import Training

/// A small real model for drift tests: an MLP trained in Swift on the seeded vibration scenario (eight accelerometer
/// band energies) to tell four machine conditions apart, bundled with a drift baseline of the same rows.
///
/// The conditions are the scenario's synthetic ground truth (`VibrationScenario.condition(of:)`): enough for a model
/// whose inputs are the features the baseline bins, so real agents report feature counts the collector compares.
public enum VibrationBundles {
    public static let classes = VibrationScenario.conditions

    /// Scenario rows with their condition (`VibrationScenario.condition(of:)`), seeded.
    public static func rows(_ count: Int, seed: UInt64, injection: DriftInjection = DriftInjection(.none)) -> (rows: [[Double]], labels: [Int]) {
        let scenario = VibrationScenario()
        let rows = scenario.rows(count, seed: seed, injection: injection)
        return (rows, rows.map { scenario.condition(of: $0) })
    }

    /// The trained int8 model (`.tflite` bytes, float32 inputs standardised in the graph).
    public static func model(seed: UInt64 = 3) throws -> [UInt8] {
        let (rows, labels) = rows(2000, seed: seed)
        let dataset = Dataset(featureNames: VibrationScenario().names, features: rows.flatMap { $0.map(Float.init) }, labels: labels,
                              classNames: classes, source: "vibration scenario")
        let outcome = try TrainingPipeline.run(dataset, configuration: TrainingConfiguration(hiddenLayers: [16], maxEpochs: 30, seed: seed))
        return outcome.model.serialized()
    }

    /// A signed bundle of the vibration model whose drift baseline is 5,000 scenario rows on 10 quantile bins.
    public static func bundle(keys: KeyDirectory, model: [UInt8], name: String = "vibration-monitor", version: String = "1.0.0",
                              release: UInt64 = 1) throws -> [UInt8] {
        let names = VibrationScenario().names
        let (rows, labels) = rows(5000, seed: 11)
        var csv = names.joined(separator: ",") + ",prediction\n"
        for (row, label) in zip(rows, labels) { csv += row.map { String($0) }.joined(separator: ",") + ",\(label)\n" }
        let table = try BaselineTable(csv: Array(csv.utf8))
        let baseline = try DriftBaseline.build(table: table, featureColumns: names, predictions: labels, classCount: classes.count,
                                               predictionSource: "column", bins: 10)
        let analysis = try ModelAnalyzer.analyze(model)
        // Golden cases for the device's health check: three scenario frames and what the runtime answers for them.
        let runner = try ModelRunner(modelBytes: model)
        let golden = try frames(3, seed: 5).enumerated().map { index, frame in
            GoldenCase(name: "vibration-\(index)", inputs: [frame], outputs: try runner.run([frame]))
        }
        let metadata = BundleMetadata(
            name: name, version: version, releaseCounter: release, createdAt: Int64(Date().timeIntervalSince1970),
            preprocessing: "8 accelerometer band energies, float32",
            lineage: Lineage(parentVersion: nil, datasetSnapshotSHA256: String(repeating: "cd", count: 32), codeVersion: "git:test",
                             evaluation: EvaluationReport(metrics: [:], notes: "vibration scenario")))
        let file = try BundleBuilder.assemble(modelBytes: model, metadata: metadata, labels: classes, analysis: analysis, baseline: baseline,
                                              golden: GoldenSet(cases: golden))
        return try file.signed(with: try keys.signingKey(now: Int64(Date().timeIntervalSince1970))).encoded()
    }

    /// Raw input frames (eight little-endian float32 values each) for an agent's replay source.
    public static func frames(_ count: Int, seed: UInt64, injection: DriftInjection = DriftInjection(.none)) -> [[UInt8]] {
        rows(count, seed: seed, injection: injection).rows.map { row in
            row.flatMap { value -> [UInt8] in withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { Array($0) } }
        }
    }
}
