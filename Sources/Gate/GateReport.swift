/// The gate's verdict on a candidate with every check and figure behind it; stored with the version.
///
/// JSON schema `edgefleet.gate.v1` (docs/gate.md). `blessed` is true only when no check failed and no required
/// check was left not applicable; `reasons` then is empty, otherwise it holds the blocking checks' reasons.
public struct GateReport: Codable, Sendable, Equatable {
    /// `edgefleet.gate.v1`.
    public var schema: String
    public var blessed: Bool
    /// The reasons of the checks that block, in check order.
    public var reasons: [String]
    public var candidate: String
    /// The champion's name; nil on a first version.
    public var champion: String?
    /// Rows of the held-out split both models were measured on.
    public var heldOutRows: Int
    /// Every check, in a fixed order: value, change, quantization, budget.
    public var checks: [GateCheck]
    /// The candidate on the held-out rows; nil only when the runtime cannot run it (`runtime_support` failed).
    public var candidateMetrics: ModelMetrics?
    /// The champion on the same held-out rows.
    public var championMetrics: ModelMetrics?
    /// Rows won and lost against the champion on the held-out rows, with the exact McNemar p-value.
    public var championComparison: ChampionComparison?
    /// The candidate on the champion's own evaluation set (the forgetting check).
    public var candidateOnChampionSet: ModelMetrics?
    /// The champion on its own evaluation set.
    public var championOnChampionSet: ModelMetrics?
    /// int8 versus float on the held-out rows; nil when no reference was available.
    public var int8FloatAgreement: Int8FloatAgreement?
    /// One entry per targeted firmware profile.
    public var profiles: [ProfileBudget]
    /// The policy the checks were run with.
    public var policy: GatePolicy

    public static let schemaName = "edgefleet.gate.v1"

    public init(candidate: String, champion: String?, heldOutRows: Int, checks: [GateCheck], candidateMetrics: ModelMetrics?,
                championMetrics: ModelMetrics?, championComparison: ChampionComparison? = nil, candidateOnChampionSet: ModelMetrics?, championOnChampionSet: ModelMetrics?,
                int8FloatAgreement: Int8FloatAgreement?, profiles: [ProfileBudget], policy: GatePolicy) {
        schema = Self.schemaName
        self.candidate = candidate
        self.champion = champion
        self.heldOutRows = heldOutRows
        self.checks = checks
        self.candidateMetrics = candidateMetrics
        self.championMetrics = championMetrics
        self.championComparison = championComparison
        self.candidateOnChampionSet = candidateOnChampionSet
        self.championOnChampionSet = championOnChampionSet
        self.int8FloatAgreement = int8FloatAgreement
        self.profiles = profiles
        self.policy = policy
        reasons = checks.filter(\.blocks).map { $0.status == .failed ? $0.reason : "\($0.id) could not run: \($0.reason)" }
        blessed = reasons.isEmpty
    }

    /// The check with `id`, if the report has it.
    public func check(_ id: String) -> GateCheck? { checks.first { $0.id == id } }
}
