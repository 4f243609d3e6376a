/// How a rollout grows: a canary, then waves growing by a factor up to a maximum, each baked and gated.
///
/// Defaults (docs/rollouts.md): canary 1 % (at least one device), waves ×2 up to 25 % of the eligible fleet,
/// 10 % control, 600 s bake, inconclusive gates extend the bake up to 3 times before pausing.
public struct RolloutStrategy: Sendable, Equatable {
    /// Canary size as a device count; wins over `canaryPercent` when set.
    public var canaryDevices: Int?
    /// Canary size as a percentage of the eligible devices (rounded up, at least one device).
    public var canaryPercent: Double
    /// Each wave is this many times the previous one.
    public var growthFactor: Double
    /// No wave is larger than this percentage of the eligible devices (the maximum rate).
    public var maximumWavePercent: Double
    /// Percentage of the eligible devices kept on the champion as the control group (at least one device).
    public var controlPercent: Double
    /// How long each wave runs before its gates are judged.
    public var bakeSeconds: Double
    /// How many times an inconclusive gate extends the bake (by `bakeSeconds`) before the rollout pauses.
    public var maximumBakeExtensions: Int
    /// Move the `champion` alias to the version when the last wave passes.
    public var promoteOnCompletion: Bool
    public var gates: RolloutGatePolicy

    public init(canaryDevices: Int? = nil, canaryPercent: Double = 1, growthFactor: Double = 2, maximumWavePercent: Double = 25,
                controlPercent: Double = 10, bakeSeconds: Double = 600, maximumBakeExtensions: Int = 3, promoteOnCompletion: Bool = true,
                gates: RolloutGatePolicy = RolloutGatePolicy()) {
        self.canaryDevices = canaryDevices
        self.canaryPercent = canaryPercent
        self.growthFactor = growthFactor
        self.maximumWavePercent = maximumWavePercent
        self.controlPercent = controlPercent
        self.bakeSeconds = bakeSeconds
        self.maximumBakeExtensions = maximumBakeExtensions
        self.promoteOnCompletion = promoteOnCompletion
        self.gates = gates
    }

    /// Refuses values that cannot make a rollout, naming the field and its range.
    public func validate() throws(CollectorError) {
        func check(_ condition: Bool, _ message: String) throws(CollectorError) {
            if !condition { throw CollectorError(.invalidRequest, "strategy.\(message)") }
        }
        if let canaryDevices { try check(canaryDevices >= 1 && canaryDevices <= 1_000_000, "canaryDevices must be within 1…1000000") }
        try check(canaryPercent.isFinite && canaryPercent > 0 && canaryPercent <= 100, "canaryPercent must be within (0, 100]")
        try check(growthFactor.isFinite && growthFactor >= 1 && growthFactor <= 100, "growthFactor must be within 1…100")
        try check(maximumWavePercent.isFinite && maximumWavePercent > 0 && maximumWavePercent <= 100, "maximumWavePercent must be within (0, 100]")
        try check(controlPercent.isFinite && controlPercent > 0 && controlPercent < 100, "controlPercent must be within (0, 100)")
        try check(bakeSeconds.isFinite && bakeSeconds >= 0.1 && bakeSeconds <= 7 * 86_400, "bakeSeconds must be within 0.1…604800")
        try check((0...100).contains(maximumBakeExtensions), "maximumBakeExtensions must be within 0…100")
        try gates.validate()
    }
}
