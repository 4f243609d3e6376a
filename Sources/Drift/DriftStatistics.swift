/// The drift statistics on two count vectors over the same bins. Pure functions; inputs are assumed validated.
public enum DriftStatistics {
    /// The proportion used for an empty bin in PSI, so log(0) never occurs (Evidently's choice; documented).
    public static let psiEpsilon = 1e-4

    /// A chi-square test's result.
    public struct ChiSquare: Equatable, Sendable {
        public var statistic: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
    }

    /// Population stability index Σ (q − p)·ln(q / p) of current proportions q against baseline proportions p;
    /// an empty bin's proportion is replaced by `psiEpsilon`.
    public static func psi(baseline: [Double], current: [Double]) -> Double {
        let p = proportions(baseline), q = proportions(current)
        var sum = 0.0
        for i in p.indices {
            let a = max(p[i], psiEpsilon), b = max(q[i], psiEpsilon)
            sum += (b - a) * naturalLog(b / a)
        }
        return sum
    }

    /// Jensen–Shannon divergence in bits (base 2, in [0, 1]).
    public static func jensenShannonDivergence(baseline: [Double], current: [Double]) -> Double {
        let p = proportions(baseline), q = proportions(current)
        var sum = 0.0
        for i in p.indices {
            let m = (p[i] + q[i]) / 2
            if p[i] > 0 { sum += p[i] * naturalLog(p[i] / m) }
            if q[i] > 0 { sum += q[i] * naturalLog(q[i] / m) }
        }
        return min(1, max(0, sum / 2 / naturalLog(2)))
    }

    /// Jensen–Shannon distance: the square root of the divergence in bits, in [0, 1].
    public static func jensenShannonDistance(baseline: [Double], current: [Double]) -> Double {
        jensenShannonDivergence(baseline: baseline, current: current).squareRoot()
    }

    /// Wasserstein-1 distance between the two histograms with all mass of bin i at `centres[i]` (increasing),
    /// divided by `standardDeviation` (> 0): Σ |F_p(i) − F_q(i)|·(c[i+1] − c[i]) / σ.
    public static func wasserstein(baseline: [Double], current: [Double], centres: [Double], standardDeviation: Double) -> Double {
        let p = proportions(baseline), q = proportions(current)
        var fp = 0.0, fq = 0.0, sum = 0.0
        for i in 0..<(p.count - 1) {
            fp += p[i]
            fq += q[i]
            sum += abs(fp - fq) * (centres[i + 1] - centres[i])
        }
        return sum / standardDeviation
    }

    /// Chi-square goodness of fit of `current` counts against the baseline's proportions taken as exact.
    /// Bins the baseline never saw get its smallest non-zero proportion times 1e-3 (a current count there is then
    /// strong evidence, not a division by zero). Degrees of freedom: bins − 1.
    public static func chiSquareGoodnessOfFit(baseline: [Double], current: [Double]) -> ChiSquare {
        let p = proportions(baseline)
        let floor = (p.filter { $0 > 0 }.min() ?? 1) * 1e-3
        let weights = p.map { max($0, floor) }
        let wsum = weights.reduce(0, +)
        let n = current.reduce(0, +)
        var statistic = 0.0
        for i in p.indices {
            let expected = n * weights[i] / wsum
            statistic += (current[i] - expected) * (current[i] - expected) / expected
        }
        let df = max(1, p.count - 1)
        return ChiSquare(statistic: statistic, degreesOfFreedom: df,
                         pValue: SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: Double(df)))
    }

    /// Pearson's chi-square test of homogeneity of the 2×B table (baseline, current); bins empty in both are
    /// dropped. Degrees of freedom: non-empty bins − 1 (a single non-empty bin gives statistic 0, p = 1).
    public static func chiSquareHomogeneity(baseline: [Double], current: [Double]) -> ChiSquare {
        let m = baseline.reduce(0, +), n = current.reduce(0, +), total = m + n
        var statistic = 0.0, used = 0
        for i in baseline.indices {
            let column = baseline[i] + current[i]
            if column == 0 { continue }
            used += 1
            let eb = m * column / total, ec = n * column / total
            statistic += (baseline[i] - eb) * (baseline[i] - eb) / eb + (current[i] - ec) * (current[i] - ec) / ec
        }
        guard used >= 2 else { return ChiSquare(statistic: 0, degreesOfFreedom: 0, pValue: 1) }
        return ChiSquare(statistic: statistic, degreesOfFreedom: used - 1,
                         pValue: SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: Double(used - 1)))
    }

    /// PSI's no-drift allowance: PSI ≈ χ²·(1/n + 1/m) when nothing changed, so its `quantile` is
    /// χ²_df(quantile)·(1/n + 1/m).
    public static func psiAllowance(bins: Int, baselineCount: Double, currentCount: Double, quantile: Double) -> Double {
        guard bins >= 2 else { return 0 }
        return SpecialFunctions.chiSquareQuantile(quantile, degreesOfFreedom: Double(bins - 1)) * (1 / currentCount + 1 / baselineCount)
    }

    /// The Jensen–Shannon divergence's no-drift allowance in bits: JSD ≈ χ²·(1/n + 1/m) / (8 ln 2).
    public static func jensenShannonAllowance(bins: Int, baselineCount: Double, currentCount: Double, quantile: Double) -> Double {
        psiAllowance(bins: bins, baselineCount: baselineCount, currentCount: currentCount, quantile: quantile) / (8 * naturalLog(2))
    }

    /// The normalised Wasserstein distance's expected no-drift value: each CDF difference is about normal with
    /// variance F(1 − F)(1/n + 1/m), so E = √(2/π)·√(1/n + 1/m)·Σ √(F_i(1 − F_i))·(c[i+1] − c[i]) / σ.
    public static func wassersteinNoise(baseline: [Double], centres: [Double], standardDeviation: Double,
                                        baselineCount: Double, currentCount: Double) -> Double {
        let p = proportions(baseline)
        var f = 0.0, sum = 0.0
        for i in 0..<(p.count - 1) {
            f += p[i]
            sum += (max(0, f * (1 - f))).squareRoot() * (centres[i + 1] - centres[i])
        }
        return (2 / Double.pi).squareRoot() * (1 / currentCount + 1 / baselineCount).squareRoot() * sum / standardDeviation
    }

    static func proportions(_ counts: [Double]) -> [Double] {
        let total = counts.reduce(0, +)
        guard total > 0 else { return counts.map { _ in 0 } }
        return counts.map { $0 / total }
    }
}
