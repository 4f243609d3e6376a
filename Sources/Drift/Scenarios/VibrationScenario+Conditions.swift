/// A synthetic ground truth for the vibration scenario: the machine condition a row's band energies indicate.
///
/// Each row is read as standardised log band energies (zⱼ = (log xⱼ − μⱼ) / sⱼ). Energy concentrated at the rotation
/// frequency (the lowest band) reads as imbalance, at its first harmonics (50–200 Hz) as misalignment, in the highest
/// bands (1.6–6.4 kHz) as bearing wear; a row whose three groups all stay within `threshold` standard deviations is
/// normal. Deterministic, so a model trained on it and the scenarios that drift it agree on every platform.
extension VibrationScenario {
    /// Class names, in label order.
    public static let conditions = ["normal", "imbalance", "misalignment", "bearing-wear"]

    /// The condition index (into ``conditions``) of one row of band energies.
    public func condition(of row: [Double], threshold: Double = 0.6) -> Int {
        func z(_ j: Int) -> Double {
            guard j < row.count, row[j] > 0 else { return 0 }
            return (naturalLog(row[j]) - logMeans[j]) / logSigmas[j]
        }
        let groups = [z(0), (z(1) + z(2)) / 2, (z(6) + z(7)) / 2]
        var best = 0
        for index in groups.indices where groups[index] > groups[best] { best = index }
        return groups[best] > threshold ? best + 1 : 0
    }
}
