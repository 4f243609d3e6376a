import Training

extension ClassificationReport {
    /// Unweighted mean of per-class F1, over the classes that occur in the labels or the predictions.
    ///
    /// Classes the model knows but that neither occur nor are predicted are left out (as scikit-learn's
    /// `f1_score(average="macro")` does with the labels it sees), so a held-out set without some class does not
    /// drag every model's score down by the same meaningless zero.
    public var macroF1: Double {
        let k = classes.count
        var sum = 0.0
        var counted = 0
        for c in 0..<k {
            let predicted = (0..<k).reduce(0) { $0 + confusion[$1][c] }
            guard support[c] > 0 || predicted > 0 else { continue }
            let p = precision[c], r = recall[c]
            sum += p + r > 0 ? 2 * p * r / (p + r) : 0
            counted += 1
        }
        return counted == 0 ? .nan : sum / Double(counted)
    }
}
