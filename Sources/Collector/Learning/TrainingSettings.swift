import FleetSupport
import Gate

/// The `training` object of the collector's configuration: the learning loop's data, training and gate settings.
public struct TrainingSettings: Codable, Sendable, Equatable {
    /// Training jobs run at the same time (each uses one core).
    public var maxConcurrentJobs: Int
    /// The online release signing key (`edgectl keys` format) that signs bundles the collector trains; the root key
    /// stays offline (docs/trust-chain.md). Nil: the collector registers no bundles it trains.
    public var releaseKey: String?
    /// A command run for `external` jobs: its arguments, then the snapshot directory and the output path are appended.
    public var externalTrainer: [String]?
    /// How long an external trainer may run.
    public var externalTrainerTimeoutSeconds: Double
    /// The gate's thresholds, for every model without its own entry in `gatePolicies`.
    public var gatePolicy: GatePolicy
    public var gatePolicies: [String: GatePolicy]
    /// Firmware profiles (ids in `profilesDirectory`, or paths) every candidate must fit.
    public var gateProfiles: [String]
    public var profilesDirectory: String
    /// Refuse to assign a version the gate has not blessed (409). Off only for set-ups that predate the gate.
    public var requireBlessedAssignments: Bool
    /// The default share of a snapshot's samples (by hash) held out for validation.
    public var validationPercent: Int

    public init(maxConcurrentJobs: Int = 1, releaseKey: String? = nil, externalTrainer: [String]? = nil, externalTrainerTimeoutSeconds: Double = 600,
                gatePolicy: GatePolicy = GatePolicy(), gatePolicies: [String: GatePolicy] = [:], gateProfiles: [String] = [],
                profilesDirectory: String = "firmware-profiles", requireBlessedAssignments: Bool = true, validationPercent: Int = 20) {
        self.maxConcurrentJobs = maxConcurrentJobs
        self.releaseKey = releaseKey
        self.externalTrainer = externalTrainer
        self.externalTrainerTimeoutSeconds = externalTrainerTimeoutSeconds
        self.gatePolicy = gatePolicy
        self.gatePolicies = gatePolicies
        self.gateProfiles = gateProfiles
        self.profilesDirectory = profilesDirectory
        self.requireBlessedAssignments = requireBlessedAssignments
        self.validationPercent = validationPercent
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxConcurrentJobs, releaseKey, externalTrainer, externalTrainerTimeoutSeconds, gatePolicy, gatePolicies, gateProfiles,
             profilesDirectory, requireBlessedAssignments, validationPercent
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingSettings()
        self.init(maxConcurrentJobs: try c.decodeIfPresent(Int.self, forKey: .maxConcurrentJobs) ?? d.maxConcurrentJobs,
                  releaseKey: try c.decodeIfPresent(String.self, forKey: .releaseKey),
                  externalTrainer: try c.decodeIfPresent([String].self, forKey: .externalTrainer),
                  externalTrainerTimeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .externalTrainerTimeoutSeconds) ?? d.externalTrainerTimeoutSeconds,
                  gatePolicy: try c.decodeIfPresent(StrictGatePolicy.self, forKey: .gatePolicy)?.policy ?? d.gatePolicy,
                  gatePolicies: try c.decodeIfPresent([String: StrictGatePolicy].self, forKey: .gatePolicies)?.mapValues(\.policy) ?? [:],
                  gateProfiles: try c.decodeIfPresent([String].self, forKey: .gateProfiles) ?? [],
                  profilesDirectory: try c.decodeIfPresent(String.self, forKey: .profilesDirectory) ?? d.profilesDirectory,
                  requireBlessedAssignments: try c.decodeIfPresent(Bool.self, forKey: .requireBlessedAssignments) ?? d.requireBlessedAssignments,
                  validationPercent: try c.decodeIfPresent(Int.self, forKey: .validationPercent) ?? d.validationPercent)
    }

    /// The policy for `model`.
    public func policy(for model: String) -> GatePolicy { gatePolicies[model] ?? gatePolicy }
}
