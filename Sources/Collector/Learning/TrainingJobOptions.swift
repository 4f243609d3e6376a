import FleetSupport
import Training

/// What a training job may be told (`options` of `POST /api/v1/training/jobs`); absent fields keep the trainer's
/// defaults (docs/training.md), so a job and `edgectl train` with the same seed build the same model.
public struct TrainingJobOptions: Codable, Sendable, Equatable {
    public var hiddenLayers: [Int]?
    public var maxEpochs: Int?
    public var batchSize: Int?
    public var learningRate: Float?
    public var patience: Int?
    public var seed: UInt64?
    public var refit: Bool?
    /// `head` jobs: the backbone's embedding tensor (a name or an index; `edgectl inspect --tensors` lists them).
    public var embeddingTensor: String?
    /// `head` jobs: the release whose model is the backbone (default: the `champion`).
    public var backboneRelease: UInt64?

    public init(hiddenLayers: [Int]? = nil, maxEpochs: Int? = nil, batchSize: Int? = nil, learningRate: Float? = nil, patience: Int? = nil,
                seed: UInt64? = nil, refit: Bool? = nil, embeddingTensor: String? = nil, backboneRelease: UInt64? = nil) {
        self.hiddenLayers = hiddenLayers
        self.maxEpochs = maxEpochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.patience = patience
        self.seed = seed
        self.refit = refit
        self.embeddingTensor = embeddingTensor
        self.backboneRelease = backboneRelease
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case hiddenLayers, maxEpochs, batchSize, learningRate, patience, seed, refit, embeddingTensor, backboneRelease }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenLayers = try c.decodeIfPresent([Int].self, forKey: .hiddenLayers)
        maxEpochs = try c.decodeIfPresent(Int.self, forKey: .maxEpochs)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate)
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        refit = try c.decodeIfPresent(Bool.self, forKey: .refit)
        embeddingTensor = try c.decodeIfPresent(String.self, forKey: .embeddingTensor)
        backboneRelease = try c.decodeIfPresent(UInt64.self, forKey: .backboneRelease)
    }

    /// The trainer's configuration for `task`.
    public func configuration(task: TrainingTask) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.task = task
        if let hiddenLayers { configuration.hiddenLayers = hiddenLayers }
        if let maxEpochs { configuration.maxEpochs = maxEpochs }
        if let batchSize { configuration.batchSize = batchSize }
        if let learningRate { configuration.learningRate = learningRate }
        if let patience { configuration.patience = patience }
        if let seed { configuration.seed = seed }
        if let refit { configuration.refit = refit }
        return configuration
    }
}
