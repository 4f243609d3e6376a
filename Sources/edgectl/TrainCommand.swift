import ArgumentParser
import TFLite
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP (or a new classifier head) on a CSV file and export an int8 .tflite model.",
        discussion: """
            The CSV has a header row, numeric feature columns and the label in the last column. Every fifth row \
            (rows 4, 9, 14, ... from 0) is held out as the test split; the rest trains, with a seeded validation \
            share for early stopping. The exported model takes the raw features as float32 and standardises them \
            itself. With --backbone, the features are the backbone input's real values and only a new \
            FULLY_CONNECTED + SOFTMAX head is trained on the embedding tensor.
            """
    )

    @Option(help: "The training data (CSV, label in the last column).")
    var data: String

    @Option(help: "Where to write the .tflite model.")
    var out: String = "model.tflite"

    @Option(help: "Hidden layer sizes, comma-separated; 'none' for a linear model.")
    var hidden: String = "64,32"

    @Option(help: "Maximum epochs (early stopping usually ends sooner).")
    var epochs: Int = 200

    @Option(help: "Random seed: the same seed and data give the same model.")
    var seed: UInt64 = 0

    @Option(help: "Mini-batch size.")
    var batchSize: Int = 32

    @Option(help: "Adam learning rate.")
    var learningRate: Float = 2e-3

    @Option(help: "L2 penalty on weights.")
    var l2: Float = 1e-3

    @Option(help: "Epochs without validation improvement before stopping.")
    var patience: Int = 15

    @Option(help: "Share of the training rows held out for early stopping (0 disables early stopping).")
    var validationFraction: Double = 0.1

    @Option(help: "Hold out every N-th row as the test split (0: no test split).")
    var testEvery: Int = 5

    @Flag(help: "Keep the early-stopped weights instead of retraining on all training rows for the chosen epoch count.")
    var noRefit = false

    @Flag(help: "Train an autoencoder on the features (the label column is ignored); its reconstruction error is the anomaly score.")
    var autoencoder = false

    @Option(help: "An int8 .tflite backbone whose classifier head is replaced (needs --embedding).")
    var backbone: String?

    @Option(help: "Name or index of the backbone's 2-D int8 embedding tensor.")
    var embedding: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if (backbone == nil) != (embedding == nil) { throw ValidationError("--backbone and --embedding go together") }
        if backbone != nil && autoencoder { throw ValidationError("--autoencoder cannot be combined with --backbone") }
        if testEvery < 0 || testEvery == 1 { throw ValidationError("--test-every must be 0 or at least 2") }
        _ = try hiddenLayers()
    }

    func hiddenLayers() throws -> [Int] {
        let text = hidden.trimmingCharacters(in: " ")
        if text.isEmpty || text == "none" { return [] }
        return try text.split(separator: ",").map { part in
            guard let n = Int(part.trimmingCharacters(in: " ")), n > 0 else {
                throw ValidationError("--hidden takes positive sizes separated by commas, e.g. 64,32; got \"\(hidden)\"")
            }
            return n
        }
    }

    func run() throws {
        let configuration = TrainingConfiguration(
            hiddenLayers: try hiddenLayers(), maxEpochs: epochs, batchSize: batchSize, learningRate: learningRate, l2: l2,
            patience: patience, validationFraction: validationFraction, seed: seed,
            task: autoencoder ? .autoencoder : .classifier, refit: !noRefit)
        let progress = TrainProgress(enabled: !quiet)
        let outcome: TrainingOutcome
        let dataset: Dataset
        do {
            dataset = try Dataset(csvFile: data)
            if let backbone, let embedding {
                let retrainer = try HeadRetrainer(backbone: try FileAccess.loadModel(backbone), embedding: TensorSelector(embedding))
                outcome = try retrainer.retrain(dataset, configuration: configuration, testEvery: testEvery, progress: progress.report)
            } else {
                outcome = try TrainingPipeline.run(dataset, configuration: configuration, testEvery: testEvery, progress: progress.report)
            }
        } catch let error as TrainingError {
            progress.finish()
            throw CommandLineError(error.message)
        }
        progress.finish()
        let bytes = outcome.modelBytes
        try FileAccess.write(bytes, to: out)
        print(TrainSummary(dataset: dataset, outcome: outcome, configuration: configuration, path: out,
                           byteCount: bytes.count, backbone: backbone).text)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
