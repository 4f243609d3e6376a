/// A synthetic ground truth for the vibration scenario: the machine condition a row's band energies indicate.
///
/// Each row is read as standardised log band energies (zⱼ = (log xⱼ − μⱼ) / sⱼ). Energy concentrated at the rotation
/// frequency (the lowest band) reads as imbalance, at its first harmonics (50–200 Hz) as misalignment, in the highest
/// bands (1.6–6.4 kHz) as bearing wear; a row whose three groups all stay within `threshold` standard deviations is
/// normal. Deterministic, so a model trained on it and the scenarios that drift it agree on every platform.
extension VibrationScenario {
    /// Class names, in label order: sorted, the order `edgectl train` gives the classes of a CSV, so a model trained
    /// on `edgectl drift-scenario --label` output and the simulated devices count classes the same way.
    public static let conditions = ["bearing-wear", "imbalance", "misalignment", "normal"]

    /// The condition index (into ``conditions``) of one row of band energies.
    public func condition(of row: [Double], threshold: Double = 0.6) -> Int {
        func z(_ j: Int) -> Double {
            guard j < row.count, row[j] > 0 else { return 0 }
            return (naturalLog(row[j]) - logMeans[j]) / logSigmas[j]
        }
        // imbalance, misalignment, bearing wear
        let groups = [(z(0), 1), ((z(1) + z(2)) / 2, 2), ((z(6) + z(7)) / 2, 0)]
        var best = groups[0]
        for group in groups where group.0 > best.0 { best = group }
        return best.0 > threshold ? best.1 : 3
    }
}
