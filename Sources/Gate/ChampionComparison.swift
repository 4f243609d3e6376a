#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row-level comparison of candidate and champion on the same held-out rows.
///
/// The accuracy difference alone hides churn: a candidate that fixes 20 rows and breaks 20 has the champion's
/// accuracy and different behaviour in the field. The exact McNemar test says whether the discordant rows are
/// more lopsided than chance would make them; it is evidence for the reader, the decision stays with ε.
public struct ChampionComparison: Codable, Sendable, Equatable {
    public var rows: Int
    /// Rows the candidate gets right and the champion wrong.
    public var candidateOnlyCorrect: Int
    /// Rows the champion gets right and the candidate wrong.
    public var championOnlyCorrect: Int
    /// Two-sided exact McNemar p-value (binomial on the discordant rows, p = 0.5); 1 when there are none.
    public var mcNemarPValue: Double

    public init(candidateCorrect: [Bool], championCorrect: [Bool]) {
        precondition(candidateCorrect.count == championCorrect.count)
        rows = candidateCorrect.count
        var won = 0, lost = 0
        for (a, b) in zip(candidateCorrect, championCorrect) {
            if a && !b { won += 1 }
            if b && !a { lost += 1 }
        }
        candidateOnlyCorrect = won
        championOnlyCorrect = lost
        mcNemarPValue = Self.exactMcNemar(won, lost)
    }

    /// min(1, 2 · P(X ≤ min(b, c))) for X ~ Binomial(b + c, 1/2), summed in log space so large counts cannot underflow.
    static func exactMcNemar(_ b: Int, _ c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        let logHalf = -Double(n) * log(2.0)
        var logChoose = 0.0
        var terms: [Double] = []
        for i in 0...k {
            if i > 0 { logChoose += log(Double(n - i + 1)) - log(Double(i)) }
            terms.append(logChoose + logHalf)
        }
        let top = terms.max()!
        let tail = exp(top) * terms.reduce(0) { $0 + exp($1 - top) }
        return min(1, 2 * tail)
    }
}
