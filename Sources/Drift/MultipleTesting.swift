/// Corrections of p-values for testing many features (and devices) at once.
public enum MultipleTesting {
    /// Benjamini–Hochberg adjusted p-values (step-up false-discovery-rate control), in the input's order.
    ///
    /// adjusted(p₍ᵢ₎) = min over j ≥ i of (m / j) · p₍ⱼ₎, capped at 1; rejecting adjusted < α controls the FDR at α.
    /// An empty input gives an empty output.
    public static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 0 else { return [] }
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m, through: 1, by: -1) {
            let index = order[rank - 1]
            running = min(running, pValues[index] * Double(m) / Double(rank))
            adjusted[index] = min(1, running)
        }
        return adjusted
    }
}
