/// The thresholds and rules of a drift verdict; one value per model (the collector keys it by model name).
///
/// Defaults follow common practice (PSI ≥ 0.2 drift and ≥ 0.1 warning, Jensen–Shannon distance ≥ 0.1, normalised
/// Wasserstein ≥ 0.1, p < 0.05) and add what the common tools lack: a minimum sample size, significance and effect
/// size required together, a Benjamini–Hochberg correction, and a sampling-noise allowance on the effect sizes.
/// Codable: unknown or missing keys fall back to the defaults, so a stored policy survives new fields.
public struct DriftPolicy: Codable, Equatable, Sendable {
    /// The effect-size statistics that may decide a verdict.
    public enum EffectSize: String, Codable, Sendable, CaseIterable {
        case psi
        case jensenShannon = "jensen_shannon"
        case wasserstein
    }

    /// The chi-square test used for significance.
    public enum Test: String, Codable, Sendable {
        /// 2×B test of homogeneity: both the baseline and the current counts are samples (the default).
        case homogeneity
        /// Goodness of fit of the current counts against the baseline's proportions taken as exact.
        case goodnessOfFit = "goodness_of_fit"
    }

    /// Fewer observations than this in the current window (or the baseline) gives `insufficientData`. Default 200.
    public var minimumSamples: Int = 200
    /// Significance level for the Benjamini–Hochberg-adjusted p-value. Default 0.05.
    public var alpha: Double = 0.05
    /// PSI at or above this (after the noise allowance) is drift. Default 0.2.
    public var psiDrift: Double = 0.2
    /// PSI at or above this (after the noise allowance) is a warning. Default 0.1.
    public var psiWarning: Double = 0.1
    /// Jensen–Shannon distance (base 2) at or above this (after the noise allowance) is drift. Default 0.1.
    public var jensenShannonDrift: Double = 0.1
    /// Wasserstein distance over the baseline standard deviation at or above this (after the allowance) is drift. Default 0.1.
    public var wassersteinDrift: Double = 0.1
    /// The statistics that may decide drift; a verdict needs one of them over its threshold. Default: all three.
    public var effectSizes: [EffectSize] = EffectSize.allCases
    /// The chi-square test. Default: homogeneity.
    public var test: Test = .homogeneity
    /// Whether p-values are adjusted with Benjamini–Hochberg across the features (and devices) of one comparison. Default true.
    public var multipleTestingCorrection: Bool = true
    /// Subtract the statistic's value expected from sampling noise alone (see docs/drift.md) before comparing with
    /// a threshold. Default true; without it PSI and Jensen–Shannon alarm on small windows.
    public var noiseAllowance: Bool = true
    /// The no-drift quantile the PSI and Jensen–Shannon allowances are taken at. Default 0.99.
    public var noiseQuantile: Double = 0.99
    /// The Wasserstein allowance as a multiple of its expected no-drift value. Default 2: with the 0.1 threshold on
    /// top, W must exceed 0.1 + 2·E, above its simulated 99.9th no-drift percentile (≈ 2.9·E) for any window ≥ 200.
    public var wassersteinNoiseFactor: Double = 2
    /// Dataset drift when at least this share of the (non-prediction) features with enough data drift. Default 0.5.
    public var datasetDriftShare: Double = 0.5
    /// Attribution: a cohort drifts when at least this share of its devices with enough data drift. Default 0.5.
    public var cohortDriftShare: Double = 0.5
    /// Hysteresis: a drifting feature clears when its score stays below this for `clearWindows` windows. Default 0.8.
    public var clearScore: Double = 0.8
    /// Hysteresis: consecutive clean windows needed to leave drift. Default 2.
    public var clearWindows: Int = 2

    /// The default policy.
    public init() {}

    /// Throws `invalidPolicy` when a value is out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw DriftError(.invalidPolicy, message) }
        }
        try check(minimumSamples >= 1, "minimum_samples must be at least 1 (got \(minimumSamples))")
        try check(alpha > 0 && alpha < 1, "alpha must be in (0, 1) (got \(alpha))")
        for (name, value) in [("psi_drift", psiDrift), ("psi_warning", psiWarning), ("jensen_shannon_drift", jensenShannonDrift),
                              ("wasserstein_drift", wassersteinDrift), ("wasserstein_noise_factor", wassersteinNoiseFactor)] {
            try check(value.isFinite && value >= 0, "\(name) must be a finite non-negative number (got \(value))")
        }
        try check(psiWarning <= psiDrift, "psi_warning (\(psiWarning)) must not exceed psi_drift (\(psiDrift))")
        try check(!effectSizes.isEmpty, "effect_sizes must name at least one of psi, jensen_shannon, wasserstein")
        try check(noiseQuantile > 0 && noiseQuantile < 1, "noise_quantile must be in (0, 1) (got \(noiseQuantile))")
        try check(datasetDriftShare > 0 && datasetDriftShare <= 1, "dataset_drift_share must be in (0, 1] (got \(datasetDriftShare))")
        try check(cohortDriftShare > 0 && cohortDriftShare <= 1, "cohort_drift_share must be in (0, 1] (got \(cohortDriftShare))")
        try check(clearScore > 0 && clearScore <= 1, "clear_score must be in (0, 1] (got \(clearScore))")
        try check(clearWindows >= 1, "clear_windows must be at least 1 (got \(clearWindows))")
    }

    enum CodingKeys: String, CodingKey {
        case minimumSamples = "minimum_samples", alpha, psiDrift = "psi_drift", psiWarning = "psi_warning"
        case jensenShannonDrift = "jensen_shannon_drift", wassersteinDrift = "wasserstein_drift"
        case effectSizes = "effect_sizes", test, multipleTestingCorrection = "multiple_testing_correction"
        case noiseAllowance = "noise_allowance", noiseQuantile = "noise_quantile", wassersteinNoiseFactor = "wasserstein_noise_factor"
        case datasetDriftShare = "dataset_drift_share", cohortDriftShare = "cohort_drift_share"
        case clearScore = "clear_score", clearWindows = "clear_windows"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DriftPolicy()
        minimumSamples = try c.decodeIfPresent(Int.self, forKey: .minimumSamples) ?? d.minimumSamples
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? d.alpha
        psiDrift = try c.decodeIfPresent(Double.self, forKey: .psiDrift) ?? d.psiDrift
        psiWarning = try c.decodeIfPresent(Double.self, forKey: .psiWarning) ?? d.psiWarning
        jensenShannonDrift = try c.decodeIfPresent(Double.self, forKey: .jensenShannonDrift) ?? d.jensenShannonDrift
        wassersteinDrift = try c.decodeIfPresent(Double.self, forKey: .wassersteinDrift) ?? d.wassersteinDrift
        effectSizes = try c.decodeIfPresent([EffectSize].self, forKey: .effectSizes) ?? d.effectSizes
        test = try c.decodeIfPresent(Test.self, forKey: .test) ?? d.test
        multipleTestingCorrection = try c.decodeIfPresent(Bool.self, forKey: .multipleTestingCorrection) ?? d.multipleTestingCorrection
        noiseAllowance = try c.decodeIfPresent(Bool.self, forKey: .noiseAllowance) ?? d.noiseAllowance
        noiseQuantile = try c.decodeIfPresent(Double.self, forKey: .noiseQuantile) ?? d.noiseQuantile
        wassersteinNoiseFactor = try c.decodeIfPresent(Double.self, forKey: .wassersteinNoiseFactor) ?? d.wassersteinNoiseFactor
        datasetDriftShare = try c.decodeIfPresent(Double.self, forKey: .datasetDriftShare) ?? d.datasetDriftShare
        cohortDriftShare = try c.decodeIfPresent(Double.self, forKey: .cohortDriftShare) ?? d.cohortDriftShare
        clearScore = try c.decodeIfPresent(Double.self, forKey: .clearScore) ?? d.clearScore
        clearWindows = try c.decodeIfPresent(Int.self, forKey: .clearWindows) ?? d.clearWindows
    }
}
