/// Compares current windows with baselines: statistics per feature, the corrected verdicts, the dataset verdict.
///
/// Stateless and pure (safe from any thread). The verdict rule (docs/drift.md): below `minimumSamples`
/// observations in the baseline or the window → `insufficientData`; otherwise `drift` needs BOTH the
/// Benjamini–Hochberg-adjusted chi-square p-value below `alpha` AND one enabled effect size (PSI, Jensen–Shannon
/// distance, normalised Wasserstein), less its no-drift noise allowance, at or over its drift threshold;
/// `warning` needs significance and PSI over the warning threshold; anything else is `noDrift`.
public enum DriftAnalyzer {
    /// Compares per-feature histograms (what devices send) with the baseline's.
    ///
    /// - Parameters:
    ///   - baseline: one histogram per feature, with its edges (and centres/standard deviation when known).
    ///   - current: one histogram per baseline feature (matched by name; extra names are an error), counts on the
    ///     baseline's bins.
    ///   - predictions: names of prediction outputs, reported separately from the input features.
    /// - Throws: `DriftError` for invalid histograms, policies or unmatched features.
    public static func compare(baseline: [DriftHistogram], current: [DriftHistogram], policy: DriftPolicy = DriftPolicy(),
                               predictions: Set<String> = []) throws -> DriftReport {
        try policy.validate()
        var currentByName = [String: DriftHistogram]()
        for histogram in current {
            if currentByName.updateValue(histogram, forKey: histogram.name) != nil {
                throw DriftError(.featureMismatch, "feature \(histogram.name) appears twice in the current window")
            }
        }
        var seen = Set<String>()
        var pairs = [(DriftHistogram, DriftHistogram)]()
        for histogram in baseline {
            guard seen.insert(histogram.name).inserted else {
                throw DriftError(.featureMismatch, "feature \(histogram.name) appears twice in the baseline")
            }
            try histogram.validate()
            guard let window = currentByName.removeValue(forKey: histogram.name) else {
                throw DriftError(.featureMismatch, "the current window has no feature \(histogram.name); send every baseline feature")
            }
            try window.validate(bins: histogram.counts.count)
            if !window.edges.isEmpty && window.edges != histogram.edges {
                throw DriftError(.binCountMismatch, "feature \(histogram.name): the current window's edges differ from the baseline's; bin with the baseline's edges")
            }
            pairs.append((histogram, window))
        }
        if let extra = currentByName.keys.sorted().first {
            throw DriftError(.featureMismatch, "the current window has feature \(extra), which the baseline lacks")
        }
        var outcomes = [Outcome]()
        var rejected = [RejectedFeature]()
        for (base, window) in pairs {
            switch measure(baseline: base, current: window.counts, policy: policy) {
            case .success(let measured): outcomes.append(measured)
            case .failure(let error): rejected.append(RejectedFeature(feature: base.name, code: error.code, message: error.message))
            }
        }
        return report(outcomes, rejected: rejected, policy: policy, predictions: predictions,
                      baselineRows: Int(baseline.map(\.total).max() ?? 0), currentRows: Int(current.map(\.total).max() ?? 0))
    }

    /// Compares raw rows: bins each baseline column on its quantiles (`bins` at most), counts the current column
    /// into the same bins and compares as above. A constant baseline column is rejected (listed, not compared).
    /// - Throws: `DriftError` for non-finite values, a current window missing a baseline column, or a bad policy.
    public static func compare(baseline: [FeatureColumn], current: [FeatureColumn], bins: Int = 10, policy: DriftPolicy = DriftPolicy(),
                               predictions: Set<String> = []) throws -> DriftReport {
        try policy.validate()
        guard bins >= 2 else { throw DriftError(.invalidPolicy, "at least 2 bins are needed (got \(bins))") }
        var outcomes = [Outcome]()
        var rejected = [RejectedFeature]()
        for column in baseline {
            guard let window = current.first(where: { $0.name == column.name }) else {
                throw DriftError(.featureMismatch, "the current data has no column \(column.name); it needs every baseline column")
            }
            if let bad = window.values.first(where: { !$0.isFinite }) {
                throw DriftError(.nonFinite, "column \(column.name): the current data contains \(bad); remove or impute non-finite values")
            }
            let histogram: DriftHistogram
            do {
                histogram = try QuantileBinning.baselineHistogram(name: column.name, values: column.values, bins: bins)
            } catch let error as DriftError where error.code == .constantFeature {
                rejected.append(RejectedFeature(feature: column.name, code: error.code, message: error.message))
                continue
            }
            let counts = QuantileBinning.counts(window.values, edges: histogram.edges)
            switch measure(baseline: histogram, current: counts, policy: policy) {
            case .success(let measured): outcomes.append(measured)
            case .failure(let error): rejected.append(RejectedFeature(feature: column.name, code: error.code, message: error.message))
            }
        }
        return report(outcomes, rejected: rejected, policy: policy, predictions: predictions,
                      baselineRows: baseline.map(\.values.count).max() ?? 0, currentRows: current.map(\.values.count).max() ?? 0)
    }

    /// The statistics of one feature before the multiple-testing correction.
    struct Outcome {
        var feature: String
        var chi: DriftStatistics.ChiSquare
        var psi: Double
        var jensenShannonDivergence: Double
        var wasserstein: Double
        var psiAllowance: Double
        var jensenShannonAllowance: Double
        var wassersteinAllowance: Double
        var bins: Int
        var baselineCount: Double
        var currentCount: Double
        var isCategorical = false
    }

    /// Statistics of one validated pair; fails (a rejection) when the baseline is constant or has no spread.
    static func measure(baseline: DriftHistogram, current: [Double], policy: DriftPolicy) -> Result<Outcome, DriftError> {
        let m = baseline.total, n = current.reduce(0, +)
        let occupied = baseline.counts.filter { $0 > 0 }.count
        let sigma = baseline.resolvedStandardDeviation
        if m > 0 && (occupied < 2 || (!baseline.isCategorical && !(sigma > 0))) {
            return .failure(DriftError(.constantFeature, "feature \(baseline.name): the baseline is constant (all observations in one bin); drop the feature or rebuild the baseline with variation"))
        }
        let centres = baseline.resolvedCentres
        let bins = baseline.counts.count
        var outcome = Outcome(feature: baseline.name, chi: .init(statistic: 0, degreesOfFreedom: 0, pValue: 1), psi: 0,
                              jensenShannonDivergence: 0, wasserstein: 0, psiAllowance: 0, jensenShannonAllowance: 0,
                              wassersteinAllowance: 0, bins: bins, baselineCount: m, currentCount: n,
                              isCategorical: baseline.isCategorical)
        guard m > 0 && n > 0 else { return .success(outcome) }  // reported as insufficient data
        outcome.chi = policy.test == .homogeneity
            ? DriftStatistics.chiSquareHomogeneity(baseline: baseline.counts, current: current)
            : DriftStatistics.chiSquareGoodnessOfFit(baseline: baseline.counts, current: current)
        outcome.psi = DriftStatistics.psi(baseline: baseline.counts, current: current)
        outcome.jensenShannonDivergence = DriftStatistics.jensenShannonDivergence(baseline: baseline.counts, current: current)
        if !baseline.isCategorical {
            outcome.wasserstein = DriftStatistics.wasserstein(baseline: baseline.counts, current: current, centres: centres, standardDeviation: sigma)
        }
        if policy.noiseAllowance {
            // The allowances use the bins the baseline occupies (the chi-square's degrees of freedom under no drift).
            outcome.psiAllowance = DriftStatistics.psiAllowance(bins: occupied, baselineCount: m, currentCount: n, quantile: policy.noiseQuantile)
            outcome.jensenShannonAllowance = DriftStatistics.jensenShannonAllowance(bins: occupied, baselineCount: m, currentCount: n, quantile: policy.noiseQuantile)
            if !baseline.isCategorical {
                outcome.wassersteinAllowance = policy.wassersteinNoiseFactor * DriftStatistics.wassersteinNoise(
                    baseline: baseline.counts, centres: centres, standardDeviation: sigma, baselineCount: m, currentCount: n)
            }
        }
        return .success(outcome)
    }

    /// The verdicts of measured features with p-values adjusted together (BH across the list, when enabled).
    static func verdicts(_ outcomes: [Outcome], policy: DriftPolicy) -> [FeatureDrift] {
        let sufficient = outcomes.indices.filter { isSufficient(outcomes[$0], policy) }
        let raw = sufficient.map { outcomes[$0].chi.pValue }
        let adjusted = policy.multipleTestingCorrection ? MultipleTesting.benjaminiHochberg(raw) : raw
        var adjustedByIndex = [Int: Double]()
        for (k, index) in sufficient.enumerated() { adjustedByIndex[index] = adjusted[k] }
        return outcomes.indices.map { verdict(outcomes[$0], adjustedPValue: adjustedByIndex[$0], policy: policy) }
    }

    static func isSufficient(_ outcome: Outcome, _ policy: DriftPolicy) -> Bool {
        outcome.currentCount >= Double(policy.minimumSamples) && outcome.baselineCount >= Double(policy.minimumSamples)
    }

    /// One feature's verdict; `adjustedPValue` nil means insufficient data.
    static func verdict(_ o: Outcome, adjustedPValue: Double?, policy: DriftPolicy) -> FeatureDrift {
        let jsDistance = o.jensenShannonDivergence.squareRoot()
        // Categories have no order: Wasserstein is left out (Jensen–Shannon stands in when it was the only one).
        var kinds = o.isCategorical ? policy.effectSizes.filter { $0 != .wasserstein } : policy.effectSizes
        if kinds.isEmpty { kinds = [.jensenShannon] }
        let effects: [(DriftPolicy.EffectSize, raw: Double, adjusted: Double, threshold: Double)] = kinds.map { kind in
            switch kind {
            case .psi: (kind, o.psi, max(0, o.psi - o.psiAllowance), policy.psiDrift)
            case .jensenShannon: (kind, jsDistance, max(0, o.jensenShannonDivergence - o.jensenShannonAllowance).squareRoot(), policy.jensenShannonDrift)
            case .wasserstein: (kind, o.wasserstein, max(0, o.wasserstein - o.wassersteinAllowance), policy.wassersteinDrift)
            }
        }
        func ratio(_ adjusted: Double, _ threshold: Double) -> Double {
            threshold > 0 ? adjusted / threshold : (adjusted > 0 ? Double.greatestFiniteMagnitude : 0)
        }
        let decider = effects.max { ratio($0.adjusted, $0.threshold) < ratio($1.adjusted, $1.threshold) }!
        let score = ratio(decider.adjusted, decider.threshold)
        var verdict = DriftVerdict.insufficientData
        if let p = adjustedPValue {
            let significant = p < policy.alpha
            let psiAdjusted = max(0, o.psi - o.psiAllowance)
            if significant && score >= 1 {
                verdict = .drift
            } else if significant && kinds.contains(.psi) && psiAdjusted >= policy.psiWarning {
                verdict = .warning
            } else {
                verdict = .noDrift
            }
        }
        return FeatureDrift(feature: o.feature, method: decider.0, statistic: decider.raw, pValue: o.chi.pValue,
                            adjustedPValue: adjustedPValue ?? o.chi.pValue, verdict: verdict, score: score, bins: o.bins,
                            baselineCount: Int(o.baselineCount), currentCount: Int(o.currentCount), psi: o.psi,
                            jensenShannon: jsDistance, wasserstein: o.wasserstein, chiSquare: o.chi.statistic,
                            degreesOfFreedom: o.chi.degreesOfFreedom, psiAllowance: o.psiAllowance,
                            jensenShannonAllowance: o.jensenShannonAllowance, wassersteinAllowance: o.wassersteinAllowance)
    }

    /// The dataset verdict over feature verdicts (see `DriftReport.verdict`).
    public static func datasetVerdict(_ features: [FeatureDrift], policy: DriftPolicy) -> (verdict: DriftVerdict, share: Double) {
        let sufficient = features.filter { $0.verdict != .insufficientData }
        guard !sufficient.isEmpty else { return (.insufficientData, 0) }
        let drifting = sufficient.filter { $0.verdict == .drift }.count
        let share = Double(drifting) / Double(sufficient.count)
        if share >= policy.datasetDriftShare { return (.drift, share) }
        if sufficient.contains(where: { $0.verdict >= .warning }) { return (.warning, share) }
        return (.noDrift, share)
    }

    static func report(_ outcomes: [Outcome], rejected: [RejectedFeature], policy: DriftPolicy, predictions: Set<String>,
                       baselineRows: Int, currentRows: Int) -> DriftReport {
        let all = verdicts(outcomes, policy: policy)
        let inputs = all.filter { !predictions.contains($0.feature) }
        let outputs = all.filter { predictions.contains($0.feature) }
        let dataset = datasetVerdict(inputs, policy: policy)
        return DriftReport(verdict: dataset.verdict, driftShare: dataset.share, features: inputs,
                           predictionVerdict: predictions.isEmpty ? nil : outputs.map(\.verdict).max() ?? .insufficientData,
                           predictions: outputs, rejected: rejected, baselineRows: baselineRows, currentRows: currentRows)
    }
}
