/// The candidate against one firmware profile's budget: what it needs, what the board allows, what is wrong.
public struct ProfileBudget: Codable, Sendable, Equatable {
    public var profile: String
    public var fits: Bool
    /// One sentence per exceeded budget or missing operator; empty when the model fits.
    public var problems: [String]
    public var arenaBytes: Int
    public var arenaBudgetBytes: Int
    public var weightsBytes: Int
    public var weightsBudgetBytes: Int
    /// The `.tflite` file's length (held in memory beside the arena on the device).
    public var modelBytes: Int
    public var macs: Int
    /// MACs over the profile's effective int8 throughput with its thread count.
    public var estimatedLatencyMilliseconds: Double

    public init(profile: String, fits: Bool, problems: [String], arenaBytes: Int, arenaBudgetBytes: Int, weightsBytes: Int,
                weightsBudgetBytes: Int, modelBytes: Int, macs: Int, estimatedLatencyMilliseconds: Double) {
        self.profile = profile
        self.fits = fits
        self.problems = problems
        self.arenaBytes = arenaBytes
        self.arenaBudgetBytes = arenaBudgetBytes
        self.weightsBytes = weightsBytes
        self.weightsBudgetBytes = weightsBudgetBytes
        self.modelBytes = modelBytes
        self.macs = macs
        self.estimatedLatencyMilliseconds = estimatedLatencyMilliseconds
    }
}
