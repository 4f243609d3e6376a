extension BlessingGate {
    /// Thresholds against the champion: regression on the same rows, an optional required gain, and forgetting on
    /// the champion's own evaluation set. Without a champion every one is not applicable, never passed.
    static func changeChecks(candidate: HeldOutRun, champion: HeldOutRun?, forgetting: (candidate: ModelMetrics, champion: ModelMetrics)?,
                             championName: String?, policy: GatePolicy) -> [GateCheck] {
        let ids = ["regression_accuracy", "regression_macro_f1", "gain_accuracy", "forgetting_accuracy"]
        guard let champion, let championName else {
            return ids.map { GateCheck(id: $0, kind: .change, status: .notApplicable, required: false,
                                       reason: "first version: there is no champion to compare with") }
        }
        let f = { (x: Double) in GateFormat.fixed(x) }
        let s = { (x: Double) in GateFormat.signed(x) }
        let c = candidate.metrics, m = champion.metrics
        // Which rows changed hands: the accuracy difference alone hides a candidate that fixes 20 rows and breaks 20.
        let comparison = ChampionComparison(candidateCorrect: candidate.correct, championCorrect: champion.correct)
        let lost = comparison.championOnlyCorrect, won = comparison.candidateOnlyCorrect
        let rows = "the candidate gets \(lost) row\(lost == 1 ? "" : "s") wrong that \(championName) got right, and \(won) right that it got wrong (exact McNemar \(GateFormat.pValue(comparison.mcNemarPValue)))"
        var checks: [GateCheck] = []

        let accuracyDelta = c.accuracy - m.accuracy
        let accuracyPassed = accuracyDelta >= -policy.maxRegression - 1e-12
        checks.append(GateCheck(id: "regression_accuracy", kind: .change, status: accuracyPassed ? .passed : .failed, required: true,
                                measured: accuracyDelta, threshold: -policy.maxRegression, comparison: ">=",
                                reason: accuracyPassed
                                    ? "accuracy \(f(c.accuracy)) vs champion \(f(m.accuracy)) (\(s(accuracyDelta))), within the allowed regression of \(f(policy.maxRegression))"
                                    : "accuracy regressed vs champion \(championName): \(f(c.accuracy)) vs \(f(m.accuracy)) (\(s(accuracyDelta)), allowed -\(f(policy.maxRegression))); \(rows)"))

        let f1Delta = c.macroF1 - m.macroF1
        let f1Passed = f1Delta >= -policy.maxRegression - 1e-12
        checks.append(GateCheck(id: "regression_macro_f1", kind: .change, status: f1Passed ? .passed : .failed, required: true,
                                measured: f1Delta, threshold: -policy.maxRegression, comparison: ">=",
                                reason: f1Passed
                                    ? "macro-F1 \(f(c.macroF1)) vs champion \(f(m.macroF1)) (\(s(f1Delta)))"
                                    : "macro-F1 regressed vs champion \(championName): \(f(c.macroF1)) vs \(f(m.macroF1)) (\(s(f1Delta)), allowed -\(f(policy.maxRegression)))"))

        if policy.requiredGain > 0 {
            let passed = accuracyDelta >= policy.requiredGain - 1e-12
            checks.append(GateCheck(id: "gain_accuracy", kind: .change, status: passed ? .passed : .failed, required: true,
                                    measured: accuracyDelta, threshold: policy.requiredGain, comparison: ">=",
                                    reason: passed ? "accuracy gain \(s(accuracyDelta)) over the champion meets the required \(s(policy.requiredGain))"
                                        : "accuracy gain \(s(accuracyDelta)) over champion \(championName) is less than the required \(s(policy.requiredGain))"))
        } else {
            checks.append(GateCheck(id: "gain_accuracy", kind: .change, status: .notApplicable, required: false, measured: accuracyDelta,
                                    reason: "no gain over the champion required (gain \(s(accuracyDelta)))"))
        }

        if let forgetting {
            let delta = forgetting.candidate.accuracy - forgetting.champion.accuracy
            let passed = delta >= -policy.maxForgetting - 1e-12
            checks.append(GateCheck(id: "forgetting_accuracy", kind: .change, status: passed ? .passed : .failed, required: true,
                                    measured: delta, threshold: -policy.maxForgetting, comparison: ">=",
                                    reason: passed
                                        ? "on the champion's evaluation set (\(forgetting.candidate.rows) rows): \(f(forgetting.candidate.accuracy)) vs \(f(forgetting.champion.accuracy)) (\(s(delta)))"
                                        : "forgets the champion's evaluation set: accuracy \(f(forgetting.candidate.accuracy)) vs champion \(championName)'s \(f(forgetting.champion.accuracy)) (\(s(delta)), allowed -\(f(policy.maxForgetting)))"))
        } else {
            checks.append(GateCheck(id: "forgetting_accuracy", kind: .change, status: .notApplicable, required: policy.requireForgettingCheck,
                                    reason: "no evaluation set of the champion was given"))
        }
        return checks
    }
}
