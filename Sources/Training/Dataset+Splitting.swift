extension Dataset {
    /// Deterministic train/test split: row i goes to test when `i % every == offset` (default: rows 4, 9, 14, ...).
    ///
    /// This is the split the project's targets are measured on. `every == 0` puts every row in training.
    public func split(testEvery every: Int = 5, offset: Int? = nil) -> (train: Dataset, test: Dataset) {
        guard every > 0 else { return (self, subset([])) }
        let phase = offset ?? every - 1
        let test = (0..<rowCount).filter { $0 % every == phase }
        let train = (0..<rowCount).filter { $0 % every != phase }
        return (subset(train), subset(test))
    }

    /// Seeded, stratified hold-out: about `fraction` of each class's rows go to the second part.
    ///
    /// Each class keeps at least one row in the first part; classes with one row contribute none to the hold-out.
    public func holdOut(fraction: Double, seed: UInt64) -> (kept: Dataset, heldOut: Dataset) {
        var generator = TrainingRandom(seed: seed ^ 0x5EED_0F_5A1D)
        var byClass = [[Int]](repeating: [], count: Swift.max(classCount, 1))
        for (i, label) in labels.enumerated() { byClass[classCount == 0 ? 0 : label].append(i) }
        var kept: [Int] = [], held: [Int] = []
        for var rows in byClass {
            generator.shuffle(&rows)
            let count = Swift.min(Int((Double(rows.count) * fraction).rounded()), Swift.max(rows.count - 1, 0))
            held += rows.prefix(count)
            kept += rows.dropFirst(count)
        }
        return (subset(kept.sorted()), subset(held.sorted()))
    }
}
