import FleetSupport
import Foundation

/// Everything the collector can be told; every field has a default, so no file is needed to start.
public struct CollectorConfiguration: Codable, Sendable, Equatable {
    /// Holds the database, bundles, generated tokens and the default trust root location.
    public var stateDirectory: String
    public var broker: BrokerConfiguration
    public var http: HTTPConfiguration
    public var storage: StorageConfiguration
    public var ingest: IngestSettings
    public var distribution: DistributionSettings
    public var trust: TrustSettings
    /// Drift computation: schedule, window and policies per model.
    public var drift: DriftSettings
    /// The learning loop: how often it looks, and a policy per model (docs/learning-loop.md).
    public var loop: LearningLoopSettings
    /// Staged rollouts: engine schedule, eligibility profiles, rollback retries, the default strategy (docs/rollouts.md).
    public var rollouts: RolloutSettings
    /// The learning loop: snapshots, training jobs, the blessing gate (docs/learning.md).
    public var training: TrainingSettings

    public init(stateDirectory: String = CollectorConfiguration.defaultStateDirectory(), broker: BrokerConfiguration = BrokerConfiguration(),
                http: HTTPConfiguration = HTTPConfiguration(), storage: StorageConfiguration = StorageConfiguration(),
                ingest: IngestSettings = IngestSettings(), distribution: DistributionSettings = DistributionSettings(),
                trust: TrustSettings = TrustSettings(), drift: DriftSettings = DriftSettings(), training: TrainingSettings = TrainingSettings(),
                loop: LearningLoopSettings = LearningLoopSettings(), rollouts: RolloutSettings = RolloutSettings()) {
        self.stateDirectory = stateDirectory
        self.broker = broker
        self.http = http
        self.storage = storage
        self.ingest = ingest
        self.distribution = distribution
        self.trust = trust
        self.drift = drift
        self.training = training
        self.loop = loop
        self.rollouts = rollouts
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stateDirectory, broker, http, storage, ingest, distribution, trust, drift, training, loop, rollouts
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stateDirectory = try c.decodeIfPresent(String.self, forKey: .stateDirectory) ?? Self.defaultStateDirectory()
        broker = try c.decodeIfPresent(BrokerConfiguration.self, forKey: .broker) ?? BrokerConfiguration()
        http = try c.decodeIfPresent(HTTPConfiguration.self, forKey: .http) ?? HTTPConfiguration()
        storage = try c.decodeIfPresent(StorageConfiguration.self, forKey: .storage) ?? StorageConfiguration()
        ingest = try c.decodeIfPresent(IngestSettings.self, forKey: .ingest) ?? IngestSettings()
        distribution = try c.decodeIfPresent(DistributionSettings.self, forKey: .distribution) ?? DistributionSettings()
        trust = try c.decodeIfPresent(TrustSettings.self, forKey: .trust) ?? TrustSettings()
        drift = try c.decodeIfPresent(DriftSettings.self, forKey: .drift) ?? DriftSettings()
        loop = try c.decodeIfPresent(LearningLoopSettings.self, forKey: .loop) ?? LearningLoopSettings()
        rollouts = try c.decodeIfPresent(RolloutSettings.self, forKey: .rollouts) ?? RolloutSettings()
        training = try c.decodeIfPresent(TrainingSettings.self, forKey: .training) ?? TrainingSettings()
    }

    /// `/var/lib/edge-collector` when it can be used (a system service), else `~/.local/state/edge-collector`.
    ///
    /// Only looks: the directory is created when the collector starts, not when a default is computed.
    public static func defaultStateDirectory() -> String {
        let system = "/var/lib/edge-collector"
        let manager = FileManager.default
        if manager.isWritableFile(atPath: system) || (!manager.fileExists(atPath: system) && manager.isWritableFile(atPath: "/var/lib")) {
            return system
        }
        return "\(NSHomeDirectory())/.local/state/edge-collector"
    }

    /// The configuration in a JSON file; unknown keys are refused, naming the key.
    public static func load(path: String) throws(CollectorError) -> CollectorConfiguration {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CollectorError(.invalidConfiguration, "cannot read the configuration file \(path): \(error.localizedDescription)")
        }
        let configuration: CollectorConfiguration
        do { configuration = try JSONDecoder().decode(CollectorConfiguration.self, from: data) } catch let error as DecodingError {
            throw CollectorError(.invalidConfiguration, "\(path): \(Self.describe(error))")
        } catch {
            throw CollectorError(.invalidConfiguration, "\(path) is not valid JSON: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    /// Checks ranges the services rely on.
    public func validate() throws(CollectorError) {
        func check(_ condition: Bool, _ message: String) throws(CollectorError) {
            if !condition { throw CollectorError(.invalidConfiguration, message) }
        }
        try check(!stateDirectory.isEmpty, "stateDirectory must not be empty")
        if let (key, reason) = loop.problem() { throw CollectorError(.invalidConfiguration, "\(key) \(reason)") }
        try check((1...65_535).contains(broker.port), "broker.port must be within 1…65535")
        try check((0...65_535).contains(http.port), "http.port must be within 0…65535")
        try check(ingest.maximumBatch >= 1 && ingest.maximumBatch <= 100_000, "ingest.maximumBatch must be within 1…100000")
        try check(ingest.queueCapacity >= ingest.maximumBatch, "ingest.queueCapacity must be at least ingest.maximumBatch")
        try check(ingest.maximumPayloadBytes >= 1024, "ingest.maximumPayloadBytes must be at least 1024")
        try check((1024...(16 << 20)).contains(distribution.chunkSize), "distribution.chunkSize must be within 1024…16777216")
        try check(drift.intervalSeconds >= 1, "drift.intervalSeconds must be at least 1")
        try check((1...(7 * 24 * 60)).contains(drift.windowMinutes), "drift.windowMinutes must be within 1…10080 (a week)")
        for (model, policy) in [("defaultPolicy", drift.defaultPolicy)] + drift.policies.sorted(by: { $0.key < $1.key }) {
            do { try policy.validate() } catch {
                throw CollectorError(.invalidConfiguration, "drift policy \(model): \(error)")
            }
        }
        try rollouts.validate()
        try check((1...64).contains(training.maxConcurrentJobs), "training.maxConcurrentJobs must be within 1…64")
        try check((0...90).contains(training.validationPercent), "training.validationPercent must be within 0…90")
        try check(training.externalTrainerTimeoutSeconds > 0, "training.externalTrainerTimeoutSeconds must be positive")
        try check(training.externalTrainer.map { !$0.isEmpty } ?? true, "training.externalTrainer must name a command")
        for (model, policy) in [("gatePolicy", training.gatePolicy)] + training.gatePolicies.sorted(by: { $0.key < $1.key }) {
            do { try policy.validate() } catch {
                throw CollectorError(.invalidConfiguration, "training gate policy \(model): \(error.message)")
            }
        }
        try check(broker.messageBufferSize >= 16, "broker.messageBufferSize must be at least 16")
        try check(broker.subscriptionQoS == 0 || broker.subscriptionQoS == 1, "broker.subscriptionQoS must be 0 or 1")
        try check(!broker.sharedGroup.isEmpty && !broker.sharedGroup.contains("/") && !broker.sharedGroup.contains("+")
                  && !broker.sharedGroup.contains("#"), "broker.sharedGroup must be a plain name (no / + #)")
        try check(http.failedAuthenticationLimit >= 1, "http.failedAuthenticationLimit must be at least 1")
        try check(http.failedAuthenticationWindowSeconds >= 1, "http.failedAuthenticationWindowSeconds must be at least 1")
        if storage.engine == .postgres {
            try check(storage.url != nil, "storage.url is required with storage.engine \"postgres\" (postgres://user:password@host:5432/database)")
            try check((1...1000).contains(storage.postgres.maximumConnections), "storage.connections must be within 1…1000")
            try check(storage.postgres.leaseTimeoutSeconds > 0, "storage.leaseTimeoutSeconds must be positive")
            try check(storage.postgres.leaderLeaseSeconds >= 1, "storage.leaderLeaseSeconds must be at least 1")
        }
        for token in http.tokens {
            if token.sha256 != nil {
                try check(token.digest != nil, "http.tokens: the sha256 of '\(token.name)' must be 64 hex digits (edge-collector hash-token)")
            } else {
                try check(token.token.utf8.count >= 16, "http.tokens: the token of '\(token.name)' must have at least 16 characters")
            }
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "(top level)" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
