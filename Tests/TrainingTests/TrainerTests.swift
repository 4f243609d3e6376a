import TestSupport
import Training
import XCTest

final class TrainerTests: XCTestCase {
    private let small = TrainingConfiguration(hiddenLayers: [16], maxEpochs: 60, seed: 3)

    func testLearnsSeparableBlobs() throws {
        let data = TestData.blobs(classes: 3, features: 5, rows: 300, seed: 11)
        let (train, test) = data.split()
        let result = try Trainer(configuration: small).train(train)
        XCTAssertGreaterThan(result.model.accuracy(on: test), 0.95)
        XCTAssertFalse(result.history.isEmpty)
        XCTAssertLessThan(result.history.last!.loss, result.history.first!.loss)
        XCTAssertEqual(result.model.network.layers.map(\.outputCount), [16, 3])
        XCTAssertEqual(result.model.network.layers.map(\.relu), [true, false])
    }

    func testSameSeedGivesIdenticalWeightsAndOtherSeedsDiffer() throws {
        let data = TestData.blobs(classes: 3, features: 5, rows: 200, seed: 2)
        let a = try Trainer(configuration: small).train(data)
        let b = try Trainer(configuration: small).train(data)
        XCTAssertEqual(a.model, b.model)
        XCTAssertEqual(a.history, b.history)
        var other = small
        other.seed = 4
        XCTAssertNotEqual(try Trainer(configuration: other).train(data).model.network, a.model.network)
    }

    func testEarlyStoppingStopsAndReportsProgress() throws {
        let data = TestData.blobs(classes: 2, features: 3, rows: 200, seed: 5)
        var c = TrainingConfiguration(hiddenLayers: [8], maxEpochs: 500, patience: 5, seed: 1)
        c.refit = false
        var epochs: [Int] = []
        let result = try Trainer(configuration: c).train(data) { epochs.append($0.epoch) }
        XCTAssertTrue(result.stoppedEarly)
        XCTAssertLessThan(epochs.count, 500)
        XCTAssertEqual(epochs, Array(1...epochs.count))
        XCTAssertEqual(result.history.last!.epoch - result.bestEpoch, 5)
        XCTAssertFalse(result.history.last!.validationAccuracy.isNaN)
    }

    func testLinearModelWithoutHiddenLayers() throws {
        let data = TestData.blobs(classes: 4, features: 6, rows: 200, seed: 8)
        var c = small
        c.hiddenLayers = []
        let result = try Trainer(configuration: c).train(data)
        XCTAssertEqual(result.model.network.layers.count, 1)
        XCTAssertGreaterThan(result.model.accuracy(on: data), 0.9)
    }

    func testDivergenceStopsWithAMessage() throws {
        let data = TestData.blobs(classes: 3, features: 5, rows: 200, seed: 2)
        var c = small
        c.learningRate = 1e30
        XCTAssertThrowsError(try TrainingPipeline.run(data, configuration: c)) { error in
            XCTAssertEqual((error as? TrainingError)?.code, .diverged)
            XCTAssertTrue("\(error)".contains("no model was written"))
        }
    }

    func testRejectsBadConfiguration() {
        let data = TestData.blobs(classes: 2, features: 2, rows: 50, seed: 1)
        let bad: [TrainingConfiguration] = [
            TrainingConfiguration(hiddenLayers: [0]), TrainingConfiguration(maxEpochs: 0), TrainingConfiguration(batchSize: 0),
            TrainingConfiguration(learningRate: -1), TrainingConfiguration(learningRate: .nan), TrainingConfiguration(l2: -1),
            TrainingConfiguration(validationFraction: 0.95),
        ]
        for c in bad {
            XCTAssertThrowsError(try Trainer(configuration: c).train(data)) { error in
                XCTAssertEqual((error as? TrainingError)?.code, .invalidConfiguration, "\(c)")
            }
        }
    }

    func testStandardizationMatchesFloatSubThenMul() {
        let s = Standardization(fitting: [1000, 0.01, 3000, 0.03, 5000, 0.05], featureCount: 2)
        XCTAssertEqual(s.mean[0], 3000, accuracy: 1e-3)
        XCTAssertEqual(s.mean[1], 0.03, accuracy: 1e-7)
        let z = s.apply([5000, 0.05])
        XCTAssertEqual(z[0], 1.2247, accuracy: 1e-3)
        XCTAssertEqual(z[1], 1.2247, accuracy: 1e-3)
        // A constant column passes through as zero rather than dividing by zero.
        let constant = Standardization(fitting: [2, 2, 2], featureCount: 1)
        XCTAssertEqual(constant.inverseStd, [1])
        XCTAssertEqual(constant.apply([2]), [0])
    }

    func testAutoencoderScoresAnomaliesHigher() throws {
        let normal = TestData.manifold(rows: 400, seed: 1)
        let c = TrainingConfiguration(hiddenLayers: [6, 2, 6], maxEpochs: 150, seed: 2, task: .autoencoder)
        let outcome = try TrainingPipeline.run(normal, configuration: c)
        let model = outcome.training.model
        let anomalies = TestData.manifold(rows: 50, seed: 9, anomalous: true)
        let normalScore = try XCTUnwrap(outcome.floatTestScore)
        let anomalyScores = model.anomalyScores(raw: anomalies.features)
        let meanAnomaly = anomalyScores.reduce(0, +) / Float(anomalyScores.count)
        XCTAssertGreaterThan(Double(meanAnomaly), 5 * normalScore)
        // The exported int8 model gives nearly the same scores.
        let int8Score = try XCTUnwrap(outcome.int8TestScore)
        XCTAssertEqual(int8Score, normalScore, accuracy: 0.05 + 0.25 * normalScore)
        XCTAssertEqual(outcome.model.mainGraph.outputs.count, 2)
        let evaluator = try ModelEvaluator(model: outcome.model)
        var int8Anomaly: Float = 0
        for r in 0..<anomalies.rowCount { int8Anomaly += try evaluator.anomalyScore(anomalies.row(r)) }
        XCTAssertGreaterThan(Double(int8Anomaly) / Double(anomalies.rowCount), 3 * int8Score)
        let (_, test) = normal.split()
        try ExportedModels.save("autoencoder", model: outcome.modelBytes, rows: test, evaluator: evaluator)
    }
}
