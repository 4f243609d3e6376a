import FleetSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How the collector closes the loop for one model: from a drift alarm on a cohort to a blessed candidate (and, when
/// `rollout` is on, a staged rollout of it), with no operator in between when `mode` is `automatic`.
///
/// Configured per model under `loop.models.<name>` in the collector's configuration, with `loop.default` for the
/// rest (docs/learning-loop.md has every key and its default).
public struct LearningLoopPolicy: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// Drift starts a cycle by itself.
        case automatic
        /// Drift is reported; cycles start only when an operator asks (`POST /api/v1/models/{name}/loop`).
        case manual
    }

    public var mode: Mode
    /// The capture asked of the drifting cohort: share of inputs, budget per hour, how long.
    public var captureRandomRate: Double
    public var captureMaxPerHour: Double
    public var captureDurationSeconds: Int
    /// Labelled samples from the drifting devices needed before a snapshot is taken.
    public var minimumLabelledSamples: Int
    /// Give up waiting for labels after this long (the cycle fails with the reason).
    public var labelTimeoutSeconds: Int
    /// Give up on a training job (queued or running) after this long.
    public var trainingTimeoutSeconds: Int
    /// After a cycle ends, drift alarms are not acted on for this long (a retrained model needs time to show).
    public var coolDownSeconds: Int
    /// Hand a blessed candidate to the rollout engine (staged rollout) instead of waiting for an operator.
    public var rollout: Bool
    /// The wave gates of the loop's rollouts, in place of `rollouts.strategy.gates`. A model retrained because a
    /// cohort drifted is meant to change what that cohort's devices predict, so the predictions gate usually gets a
    /// wider bound here: the blessing gate has already judged the change on labelled data.
    public var rolloutGates: RolloutGatePolicy?

    public init(mode: Mode = .manual, captureRandomRate: Double = 0.05, captureMaxPerHour: Double = 600, captureDurationSeconds: Int = 3600,
                minimumLabelledSamples: Int = 200, labelTimeoutSeconds: Int = 6 * 3600, trainingTimeoutSeconds: Int = 3600,
                coolDownSeconds: Int = 6 * 3600, rollout: Bool = false, rolloutGates: RolloutGatePolicy? = nil) {
        self.mode = mode
        self.captureRandomRate = captureRandomRate
        self.captureMaxPerHour = captureMaxPerHour
        self.captureDurationSeconds = captureDurationSeconds
        self.minimumLabelledSamples = minimumLabelledSamples
        self.labelTimeoutSeconds = labelTimeoutSeconds
        self.trainingTimeoutSeconds = trainingTimeoutSeconds
        self.coolDownSeconds = coolDownSeconds
        self.rollout = rollout
        self.rolloutGates = rolloutGates
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, captureRandomRate, captureMaxPerHour, captureDurationSeconds, minimumLabelledSamples, labelTimeoutSeconds,
             trainingTimeoutSeconds, coolDownSeconds, rollout, rolloutGates
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let d = LearningLoopPolicy()
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? d.mode
        captureRandomRate = try c.decodeIfPresent(Double.self, forKey: .captureRandomRate) ?? d.captureRandomRate
        captureMaxPerHour = try c.decodeIfPresent(Double.self, forKey: .captureMaxPerHour) ?? d.captureMaxPerHour
        captureDurationSeconds = try c.decodeIfPresent(Int.self, forKey: .captureDurationSeconds) ?? d.captureDurationSeconds
        minimumLabelledSamples = try c.decodeIfPresent(Int.self, forKey: .minimumLabelledSamples) ?? d.minimumLabelledSamples
        labelTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .labelTimeoutSeconds) ?? d.labelTimeoutSeconds
        trainingTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .trainingTimeoutSeconds) ?? d.trainingTimeoutSeconds
        coolDownSeconds = try c.decodeIfPresent(Int.self, forKey: .coolDownSeconds) ?? d.coolDownSeconds
        rollout = try c.decodeIfPresent(Bool.self, forKey: .rollout) ?? d.rollout
        rolloutGates = try c.decodeIfPresent(RolloutGatePolicy.self, forKey: .rolloutGates)
    }

    /// The first range a value breaks, as `(key, reason)`; nil when the policy is usable.
    public func problem() -> (key: String, reason: String)? {
        if !(captureRandomRate.isFinite && (0...1).contains(captureRandomRate)) { return ("captureRandomRate", "must be within 0…1") }
        if !(captureMaxPerHour.isFinite && captureMaxPerHour >= 0) { return ("captureMaxPerHour", "must not be negative") }
        if !(1...(7 * 24 * 3600)).contains(captureDurationSeconds) { return ("captureDurationSeconds", "must be within 1…604800") }
        if minimumLabelledSamples < 1 { return ("minimumLabelledSamples", "must be at least 1") }
        if labelTimeoutSeconds < 1 { return ("labelTimeoutSeconds", "must be at least 1") }
        if trainingTimeoutSeconds < 1 { return ("trainingTimeoutSeconds", "must be at least 1") }
        if coolDownSeconds < 0 { return ("coolDownSeconds", "must not be negative") }
        return nil
    }
}
