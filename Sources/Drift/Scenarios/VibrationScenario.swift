import FleetSupport

/// Seeded vibration-like data: band energies of one accelerometer as correlated log-normal features.
///
/// Feature j is exp(μⱼ + sⱼ·zⱼ) with zⱼ = √ρ·g₀ + √(1 − ρ)·gⱼ (one shared factor, standard normal g), so every pair
/// of bands is correlated in log space with coefficient ρ. The same seed gives the same rows on every platform.
public struct VibrationScenario: Sendable {
    /// Feature names, one per band.
    public var names: [String]
    /// Log-space means μⱼ (band energy levels).
    public var logMeans: [Double]
    /// Log-space standard deviations sⱼ.
    public var logSigmas: [Double]
    /// Log-space correlation between bands.
    public var correlation: Double

    /// The default 8-band set: levels falling with frequency, log-sigmas 0.25–0.4 (coefficients of variation 0.25–0.42).
    public init() {
        names = ["band_0_50hz", "band_50_100hz", "band_100_200hz", "band_200_400hz",
                 "band_400_800hz", "band_800_1600hz", "band_1600_3200hz", "band_3200_6400hz"]
        logMeans = [0.0, -0.3, -0.6, -0.9, -1.2, -1.5, -1.8, -2.1]
        logSigmas = [0.25, 0.28, 0.3, 0.32, 0.35, 0.3, 0.38, 0.4]
        correlation = 0.6
    }

    /// The analytic mean of feature `j`.
    public func mean(_ j: Int) -> Double { exponential(logMeans[j] + logSigmas[j] * logSigmas[j] / 2) }

    /// The analytic standard deviation of feature `j`.
    public func standardDeviation(_ j: Int) -> Double {
        let s2 = logSigmas[j] * logSigmas[j]
        return ((exponential(s2) - 1) * exponential(2 * logMeans[j] + s2)).squareRoot()
    }

    /// `count` rows (row-major, one value per feature) from `seed`, with `injection` applied.
    public func rows(_ count: Int, seed: UInt64, injection: DriftInjection = DriftInjection(.none)) -> [[Double]] {
        generate(count, seed: seed, injection: injection, conditions: false).rows
    }

    /// `count` rows as ``rows(_:seed:injection:)`` gives them (the same values), each with the condition of the machine
    /// it was drawn from: ``condition(of:threshold:)`` of the row *before* the injection. A drifting sensor or a new
    /// operating mode changes what a model sees, not the machine's state, so a model trained before the change
    /// misreads drifted rows while their ground truth stays what it was: the labels a technician would give.
    public func labelledRows(_ count: Int, seed: UInt64, injection: DriftInjection = DriftInjection(.none)) -> (rows: [[Double]], conditions: [Int]) {
        generate(count, seed: seed, injection: injection, conditions: true)
    }

    private func generate(_ count: Int, seed: UInt64, injection: DriftInjection, conditions wanted: Bool) -> (rows: [[Double]], conditions: [Int]) {
        var random = SplitMix64(seed: seed)
        let k = names.count
        let shared = correlation.squareRoot(), own = (1 - correlation).squareRoot()
        let clean = DriftInjection(.none)
        var result = [[Double]]()
        var conditions = [Int]()
        result.reserveCapacity(count)
        if wanted { conditions.reserveCapacity(count) }
        var original = [Double](repeating: 0, count: k)
        for _ in 0..<count {
            let g0 = random.nextGaussian()
            var inMode = false
            if case .newMode(let share, _) = injection.kind { inMode = random.nextUnit() < share }
            var row = [Double](repeating: 0, count: k)
            for j in 0..<k {
                let z = shared * g0 + own * random.nextGaussian()
                row[j] = value(j, z: z, injection: injection, inMode: inMode)
                if wanted { original[j] = value(j, z: z, injection: clean, inMode: false) }
            }
            result.append(row)
            if wanted { conditions.append(condition(of: original)) }
        }
        return (result, conditions)
    }

    /// The same rows as columns.
    public func columns(_ count: Int, seed: UInt64, injection: DriftInjection = DriftInjection(.none)) -> [FeatureColumn] {
        let data = rows(count, seed: seed, injection: injection)
        return names.indices.map { j in FeatureColumn(name: names[j], values: data.map { $0[j] }) }
    }

    private func value(_ j: Int, z: Double, injection: DriftInjection, inMode: Bool) -> Double {
        let mu = logMeans[j], s = logSigmas[j]
        guard injection.touches(j) else { return exponential(mu + s * z) }
        switch injection.kind {
        case .none:
            return exponential(mu + s * z)
        case .meanShift(let sigmas):
            return exponential(mu + s * z) + sigmas * standardDeviation(j)
        case .varianceChange(let factor):
            // Same mean, variance × factor: CV'² = factor·CV², so s'² = ln(1 + factor·(e^{s²} − 1)).
            let s2 = naturalLog(1 + factor * (exponential(s * s) - 1))
            let mu2 = naturalLog(mean(j)) - s2 / 2
            return exponential(mu2 + s2.squareRoot() * z)
        case .stuck:
            return exponential(mu)
        case .gain(let factor):
            return factor * exponential(mu + s * z)
        case .newMode(_, let sigmas):
            return exponential(mu + s * (z + (inMode ? sigmas : 0)))
        }
    }
}
