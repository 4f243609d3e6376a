import Bundles
import Training

/// Builds the signed bundle of a model the collector trained: drift baseline from the training split, golden cases
/// from the validation split, lineage naming the snapshot.
enum CandidateBundle {
    /// Golden cases kept in a bundle (the device's start-up health check).
    static let goldenCount = 3

    static func build(modelBytes: [UInt8], model name: String, release: UInt64, parentVersion: String?, snapshot: DatasetSnapshot,
                      train: Dataset, validation: Dataset, jobID: Int64, metrics: [String: Double], signingKey: SigningKey,
                      now: Int64) throws(CollectorError) -> [UInt8] {
        do {
            let evaluator = try ModelEvaluator(model: try parse(modelBytes))
            // The baseline is what the model sees and answers on its own training rows.
            let predictions = try evaluator.predictions(train)
            let rows = (0..<train.rowCount).map { r in train.row(r).map { "\($0)" } }
            let table = BaselineTable(columns: train.featureNames, rows: rows)
            let baseline = try DriftBaseline.build(table: table, featureColumns: train.featureNames, predictions: predictions,
                                                   classCount: max(train.classCount, (predictions.max() ?? 0) + 1), predictionSource: "model",
                                                   bins: 16)
            let goldenRows = validation.rowCount > 0 ? validation : train
            let runner = try ModelRunner(modelBytes: modelBytes)
            var cases: [GoldenCase] = []
            for r in 0..<min(goldenCount, goldenRows.rowCount) {
                let input = evaluator.inputBytes(goldenRows.row(r))
                cases.append(GoldenCase(name: "validation-\(r)", inputs: [input], outputs: try runner.run([input])))
            }
            let metadata = BundleMetadata(
                name: name, version: "\(release).0.0", releaseCounter: release, createdAt: now / 1000,
                preprocessing: "\(train.featureCount) features (\(train.featureNames.prefix(8).joined(separator: ","))\(train.featureCount > 8 ? ",…" : "")), float32; standardised in the graph",
                lineage: Lineage(parentVersion: parentVersion, datasetSnapshotSHA256: snapshot.id, codeVersion: "edge-collector training job \(jobID)",
                                 evaluation: EvaluationReport(metrics: metrics, notes: "trained by the collector on snapshot \(snapshot.id.prefix(12)) (train split \(train.rowCount) rows); judged by the gate on its validation split")))
            let file = try BundleBuilder.assemble(modelBytes: modelBytes, metadata: metadata, labels: train.classNames,
                                                  analysis: try ModelAnalyzer.analyze(modelBytes), baseline: baseline, golden: GoldenSet(cases: cases))
            return try file.signed(with: signingKey).encoded()
        } catch let error as CollectorError {
            throw error
        } catch let error as TrainingError {
            throw CollectorError(.invalidRequest, "building the candidate's bundle failed: \(error.message)")
        } catch let error as BundleError {
            throw CollectorError(.invalidRequest, "building the candidate's bundle failed: \(error.message)")
        } catch {
            throw CollectorError(.invalidRequest, "building the candidate's bundle failed: \(error)")
        }
    }

    static func parse(_ bytes: [UInt8]) throws(CollectorError) -> TFLiteModel {
        do { return try TFLiteModel(bytes: bytes) } catch {
            throw CollectorError(.invalidRequest, "not a .tflite model: \(error.message)")
        }
    }
}
