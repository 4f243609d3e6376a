/// The thresholds a candidate must meet to be blessed. Codable, so the collector stores it beside each report.
///
/// Fractions (accuracy, macro-F1, recall, agreement) are in 0...1; differences (`maxRegression`, `requiredGain`,
/// `maxForgetting`) are in the same units (0.01 = one percentage point). Defaults and their reasons: docs/gate.md.
public struct GatePolicy: Codable, Sendable, Equatable {
    /// Minimum accuracy on the held-out rows; nil sets no absolute bar (the better-than-chance check still runs).
    public var minAccuracy: Double?
    /// Minimum macro-F1 (unweighted mean of per-class F1) on the held-out rows; nil: not checked.
    public var minMacroF1: Double?
    /// Every class present in the held-out rows must reach this recall; nil: not checked.
    public var perClassRecallFloor: Double?
    /// ε: the candidate may be at most this much worse than the champion (accuracy and macro-F1, same rows).
    public var maxRegression: Double
    /// When above 0, the candidate must beat the champion's accuracy by at least this much.
    public var requiredGain: Double
    /// On the champion's own evaluation set the candidate may lose at most this much accuracy (no forgetting).
    public var maxForgetting: Double
    /// Share of held-out rows on which the int8 model and its float reference must predict the same class.
    public var minInt8FloatAgreement: Double
    /// Estimated latency bound per inference on every targeted profile, in milliseconds; nil: only the memory and
    /// operator budgets are checked (the estimate is still reported).
    public var maxLatencyMilliseconds: Double?
    /// When true, a champion without an evaluation set refuses (the collector sets it: every version keeps its set).
    public var requireForgettingCheck: Bool
    /// When true, a candidate with no float reference refuses instead of reporting agreement as not applicable.
    public var requireInt8FloatAgreement: Bool

    public init(minAccuracy: Double? = nil, minMacroF1: Double? = nil, perClassRecallFloor: Double? = nil,
                maxRegression: Double = 0.01, requiredGain: Double = 0, maxForgetting: Double = 0.01,
                minInt8FloatAgreement: Double = 0.98, maxLatencyMilliseconds: Double? = nil,
                requireForgettingCheck: Bool = false, requireInt8FloatAgreement: Bool = false) {
        self.minAccuracy = minAccuracy
        self.minMacroF1 = minMacroF1
        self.perClassRecallFloor = perClassRecallFloor
        self.maxRegression = maxRegression
        self.requiredGain = requiredGain
        self.maxForgetting = maxForgetting
        self.minInt8FloatAgreement = minInt8FloatAgreement
        self.maxLatencyMilliseconds = maxLatencyMilliseconds
        self.requireForgettingCheck = requireForgettingCheck
        self.requireInt8FloatAgreement = requireInt8FloatAgreement
    }

    /// Decodes leniently: a stored policy may omit any field, which then takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GatePolicy()
        minAccuracy = try c.decodeIfPresent(Double.self, forKey: .minAccuracy)
        minMacroF1 = try c.decodeIfPresent(Double.self, forKey: .minMacroF1)
        perClassRecallFloor = try c.decodeIfPresent(Double.self, forKey: .perClassRecallFloor)
        maxRegression = try c.decodeIfPresent(Double.self, forKey: .maxRegression) ?? d.maxRegression
        requiredGain = try c.decodeIfPresent(Double.self, forKey: .requiredGain) ?? d.requiredGain
        maxForgetting = try c.decodeIfPresent(Double.self, forKey: .maxForgetting) ?? d.maxForgetting
        minInt8FloatAgreement = try c.decodeIfPresent(Double.self, forKey: .minInt8FloatAgreement) ?? d.minInt8FloatAgreement
        maxLatencyMilliseconds = try c.decodeIfPresent(Double.self, forKey: .maxLatencyMilliseconds)
        requireForgettingCheck = try c.decodeIfPresent(Bool.self, forKey: .requireForgettingCheck) ?? d.requireForgettingCheck
        requireInt8FloatAgreement = try c.decodeIfPresent(Bool.self, forKey: .requireInt8FloatAgreement) ?? d.requireInt8FloatAgreement
    }

    /// The JSON field names of a policy, for tools that refuse unknown (misspelt) fields.
    public static var fieldNames: [String] {
        [CodingKeys.minAccuracy, .minMacroF1, .perClassRecallFloor, .maxRegression, .requiredGain, .maxForgetting,
         .minInt8FloatAgreement, .maxLatencyMilliseconds, .requireForgettingCheck, .requireInt8FloatAgreement].map(\.stringValue)
    }

    /// Refuses thresholds that cannot mean anything (a fraction above 1, a negative tolerance, NaN).
    public func validate() throws(GateError) {
        func fraction(_ value: Double?, _ name: String) throws(GateError) {
            guard let value else { return }
            guard value.isFinite, (0...1).contains(value) else {
                throw GateError(.invalidPolicy, "\(name) must be within 0...1, got \(value)")
            }
        }
        try fraction(minAccuracy, "minimum accuracy")
        try fraction(minMacroF1, "minimum macro-F1")
        try fraction(perClassRecallFloor, "per-class recall floor")
        try fraction(maxRegression, "maximum regression")
        try fraction(requiredGain, "required gain")
        try fraction(maxForgetting, "maximum forgetting")
        try fraction(minInt8FloatAgreement, "minimum int8-float agreement")
        if let latency = maxLatencyMilliseconds, !(latency.isFinite && latency > 0) {
            throw GateError(.invalidPolicy, "maximum latency must be a positive number of milliseconds, got \(latency)")
        }
    }
}
