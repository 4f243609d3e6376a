extension HeadRetrainer {
    /// End to end: split (test = every `testEvery`-th row), embed, train the head, splice, and measure the float
    /// head and the new int8 model (run whole, backbone included, by the project's runtime) on the test rows.
    ///
    /// `data` rows hold the backbone input's real values and the new labels.
    public func retrain(_ data: Dataset, configuration: TrainingConfiguration = TrainingConfiguration(), testEvery: Int = 5,
                        progress: (EpochReport) -> Void = { _ in }) throws(TrainingError) -> TrainingOutcome {
        var c = configuration
        c.hiddenLayers = []
        c.task = .classifier
        try Trainer(configuration: c).check(data)
        let (train, test) = data.split(testEvery: testEvery)
        let trainEmbeddings = try embeddings(train)
        let result = try trainHead(trainEmbeddings, configuration: c, progress: progress)
        let clock = ContinuousClock()
        let start = clock.now
        let model = try splice(result.model, calibration: trainEmbeddings)
        var outcome = TrainingOutcome(training: result, quantized: nil, model: model, trainRows: train.rowCount,
                                      testRows: test.rowCount, quantizationDuration: clock.now - start)
        guard test.rowCount > 0 else { return outcome }
        outcome.floatTestAccuracy = result.model.accuracy(on: try embeddings(test))
        let report = try ModelEvaluator(model: model).evaluate(test)
        outcome.int8TestAccuracy = report.accuracy
        outcome.testReport = report
        return outcome
    }
}
