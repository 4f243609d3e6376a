/// The regularised incomplete gamma function and the chi-square distribution built on it.
///
/// Series for x < a + 1 and Lentz's continued fraction otherwise (Numerical Recipes §6.2); relative accuracy
/// about 1e-14, which the tests check against tabulated chi-square quantiles.
public enum SpecialFunctions {
    /// P(a, x) = γ(a, x) / Γ(a), the regularised lower incomplete gamma function; a > 0, x ≥ 0.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "regularizedGammaP needs a > 0")
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x)
    }

    /// Q(a, x) = 1 − P(a, x), computed directly so small upper tails keep their precision.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "regularizedGammaQ needs a > 0")
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x)
    }

    /// The upper tail P(X ≥ x) of a chi-square distribution with `degreesOfFreedom` > 0: the test's p-value.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom: Double) -> Double {
        regularizedGammaQ(degreesOfFreedom / 2, x / 2)
    }

    /// The `probability` quantile of a chi-square distribution (bisection on the CDF; probability in (0, 1)).
    public static func chiSquareQuantile(_ probability: Double, degreesOfFreedom: Double) -> Double {
        var low = 0.0, high = max(1.0, degreesOfFreedom)
        while regularizedGammaP(degreesOfFreedom / 2, high / 2) < probability { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if regularizedGammaP(degreesOfFreedom / 2, mid / 2) < probability { low = mid } else { high = mid }
            if high - low <= 1e-12 * high { break }
        }
        return (low + high) / 2
    }

    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return min(1, sum * exponential(-x + a * naturalLog(x) - logGamma(a)))
    }

    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return min(1, exponential(-x + a * naturalLog(x) - logGamma(a)) * h)
    }
}
