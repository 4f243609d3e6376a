/// The comparison of one feature's current window with its baseline.
public struct FeatureDrift: Codable, Equatable, Sendable {
    /// The feature's name.
    public var feature: String
    /// The effect-size statistic that decided the verdict (the largest relative to its drift threshold):
    /// `psi`, `jensen_shannon` or `wasserstein`.
    public var method: DriftPolicy.EffectSize
    /// That statistic's raw value (before the noise allowance).
    public var statistic: Double
    /// The chi-square test's p-value.
    public var pValue: Double
    /// The p-value after the Benjamini–Hochberg correction (equal to `pValue` when the correction is off).
    public var adjustedPValue: Double
    /// The verdict.
    public var verdict: DriftVerdict
    /// max over the enabled effect sizes of (value − noise allowance) / drift threshold: ≥ 1 means an effect over threshold.
    public var score: Double
    /// Bins compared.
    public var bins: Int
    /// Baseline observations.
    public var baselineCount: Int
    /// Current observations.
    public var currentCount: Int
    /// Population stability index (empty bins at `DriftStatistics.psiEpsilon`).
    public var psi: Double
    /// Jensen–Shannon distance, base 2.
    public var jensenShannon: Double
    /// Wasserstein distance on bin centres over the baseline's standard deviation.
    public var wasserstein: Double
    /// The chi-square statistic.
    public var chiSquare: Double
    /// Its degrees of freedom.
    public var degreesOfFreedom: Int
    /// The no-drift allowances subtracted before comparing with thresholds (PSI, JS divergence in bits, Wasserstein).
    public var psiAllowance: Double
    public var jensenShannonAllowance: Double
    public var wassersteinAllowance: Double

    enum CodingKeys: String, CodingKey {
        case feature, method, statistic, pValue = "p_value", adjustedPValue = "p_value_adjusted", verdict, score, bins
        case baselineCount = "baseline_count", currentCount = "current_count", psi, jensenShannon = "jensen_shannon"
        case wasserstein, chiSquare = "chi_square", degreesOfFreedom = "degrees_of_freedom", psiAllowance = "psi_allowance"
        case jensenShannonAllowance = "jensen_shannon_divergence_allowance", wassersteinAllowance = "wasserstein_allowance"
    }
}
