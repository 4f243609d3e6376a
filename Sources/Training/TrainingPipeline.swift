/// CSV rows in, a tested `.tflite` out: split, train, quantise with calibration, export, and measure.
public enum TrainingPipeline {
    /// Trains on every row except the test rows (every `testEvery`-th, rows 4, 9, ... for 5), calibrates on the
    /// training rows, exports, and measures the float model and the exported int8 model on the test rows.
    ///
    /// Nothing is written; the caller saves `outcome.modelBytes`. Throws before training on bad data and
    /// with `.diverged` when the loss stops being finite.
    public static func run(_ data: Dataset, configuration: TrainingConfiguration, testEvery: Int = 5,
                           progress: (EpochReport) -> Void = { _ in }) throws(TrainingError) -> TrainingOutcome {
        let trainer = Trainer(configuration: configuration)
        try trainer.check(data)
        let (train, test) = data.split(testEvery: testEvery)
        if configuration.task == .classifier, test.rowCount > 0 {
            let missing = Set(test.labels).subtracting(train.labels)
            if let c = missing.first {
                throw TrainingError(.invalidData, "\(data.source): class \"\(data.classNames[c])\" appears only in test rows; add training rows of it")
            }
        }
        let result = try trainer.train(train, progress: progress)
        let clock = ContinuousClock()
        let start = clock.now
        let quantized = try PostTrainingQuantizer.quantize(result.model, calibration: train.features)
        let model = try ModelExporter.model(quantized)
        let quantizationDuration = clock.now - start
        var outcome = TrainingOutcome(training: result, quantized: quantized, model: model, trainRows: train.rowCount,
                                      testRows: test.rowCount, quantizationDuration: quantizationDuration)
        guard test.rowCount > 0 else { return outcome }
        let evaluator = try ModelEvaluator(model: model)
        switch configuration.task {
        case .classifier:
            outcome.floatTestAccuracy = result.model.accuracy(on: test)
            let report = try evaluator.evaluate(test)
            outcome.int8TestAccuracy = report.accuracy
            outcome.testReport = report
        case .autoencoder:
            let scores = result.model.anomalyScores(raw: test.features)
            outcome.floatTestScore = scores.reduce(0) { $0 + Double($1) } / Double(scores.count)
            var sum: Double = 0
            for r in 0..<test.rowCount { sum += Double(try evaluator.anomalyScore(test.row(r))) }
            outcome.int8TestScore = sum / Double(test.rowCount)
        }
        return outcome
    }
}
