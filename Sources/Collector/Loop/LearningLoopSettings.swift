import FleetSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The collector's `loop` configuration: how often the learning loop looks, and a policy per model.
public struct LearningLoopSettings: Codable, Sendable, Equatable {
    /// Whether the loop service runs at all.
    public var enabled: Bool
    /// Seconds between looks at drift reports, labels, jobs and rollouts.
    public var intervalSeconds: Double
    /// The policy of models without their own (manual by default: drift is reported, nothing retrains by itself).
    public var defaultPolicy: LearningLoopPolicy
    /// Policies by model name.
    public var models: [String: LearningLoopPolicy]

    public init(enabled: Bool = true, intervalSeconds: Double = 10, defaultPolicy: LearningLoopPolicy = LearningLoopPolicy(),
                models: [String: LearningLoopPolicy] = [:]) {
        self.enabled = enabled
        self.intervalSeconds = intervalSeconds
        self.defaultPolicy = defaultPolicy
        self.models = models
    }

    /// The policy that applies to `model`.
    public func policy(for model: String) -> LearningLoopPolicy { models[model] ?? defaultPolicy }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, intervalSeconds, defaultPolicy = "default", models
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let d = LearningLoopSettings()
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
        intervalSeconds = try c.decodeIfPresent(Double.self, forKey: .intervalSeconds) ?? d.intervalSeconds
        defaultPolicy = try c.decodeIfPresent(LearningLoopPolicy.self, forKey: .defaultPolicy) ?? d.defaultPolicy
        models = try c.decodeIfPresent([String: LearningLoopPolicy].self, forKey: .models) ?? d.models
    }

    /// The first problem as `(key, reason)` with the full configuration key (e.g. `loop.models.m.coolDownSeconds`).
    public func problem() -> (key: String, reason: String)? {
        if !(intervalSeconds.isFinite && intervalSeconds >= 0.1) { return ("loop.intervalSeconds", "must be at least 0.1") }
        if let (key, reason) = defaultPolicy.problem() { return ("loop.default.\(key)", reason) }
        for (model, policy) in models.sorted(by: { $0.key < $1.key }) {
            if let (key, reason) = policy.problem() { return ("loop.models.\(model).\(key)", reason) }
        }
        return nil
    }
}
