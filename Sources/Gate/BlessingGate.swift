import Bundles
import Training

/// The blessing gate: decides whether a candidate model may become a blessed version.
///
/// Pure: models, data, profiles and policy in, a `GateReport` out; nothing is read or written. The collector calls
/// it when a candidate is registered and stores the report with the version; `edgectl gate` runs it offline.
/// Only this function's verdict may set a version's `blessed` flag.
public enum BlessingGate {
    /// Runs every check of `policy` and returns the verdict with its evidence.
    ///
    /// - Parameters:
    ///   - candidate: the model to judge.
    ///   - champion: the current champion, or nil for the first version (change checks are then not applicable,
    ///     which does not refuse).
    ///   - heldOut: the snapshot's held-out rows; candidate and champion are measured on exactly these rows.
    ///   - championEvaluationSet: the rows the champion was blessed on, for the forgetting check; nil skips it
    ///     (refuses when `policy.requireForgettingCheck` and there is a champion).
    ///   - profiles: the firmware profiles the candidate targets; each must fit.
    ///   - policy: the thresholds.
    /// - Throws: `GateError` when the inputs cannot be judged (bad policy, no rows, a model that does not run or does
    ///   not fit the data). A refusal is not an error: it is a report with `blessed == false`.
    public static func evaluate(candidate: GateModel, champion: GateModel?, heldOut: Dataset, championEvaluationSet: Dataset?,
                                profiles: [FirmwareProfile], policy: GatePolicy) throws(GateError) -> GateReport {
        try policy.validate()
        guard heldOut.rowCount > 0 else {
            throw GateError(.invalidData, "\(heldOut.source) has no held-out rows to judge the candidate on")
        }
        if let set = championEvaluationSet, set.rowCount == 0 {
            throw GateError(.invalidData, "the champion's evaluation set \(set.source) has no rows")
        }
        let unsupported: [String]
        do { unsupported = try ModelAnalyzer.unsupportedOperators(in: candidate.bytes) } catch {
            throw GateError(.invalidModel, "candidate \(candidate.name): \(error.message)")
        }
        guard unsupported.isEmpty else {
            return try unrunnable(candidate, champion: champion, heldOut: heldOut, unsupported: unsupported, profiles: profiles, policy: policy)
        }
        let candidateRun = try HeldOutRun(candidate, on: heldOut, role: "candidate")
        // The champion may not know a class the new snapshot adds, nor the candidate one it dropped: such rows count
        // as wrong for that model rather than making the comparison impossible.
        var championRun: HeldOutRun?
        if let champion { championRun = try HeldOutRun(champion, on: heldOut, role: "champion", unknownLabelsAreErrors: false) }
        var forgetting: (candidate: ModelMetrics, champion: ModelMetrics)?
        if let champion, let set = championEvaluationSet {
            forgetting = (try HeldOutRun(candidate, on: set, role: "candidate", unknownLabelsAreErrors: false).metrics,
                          try HeldOutRun(champion, on: set, role: "champion", unknownLabelsAreErrors: false).metrics)
        }
        let agreement = try measureAgreement(candidate, run: candidateRun, heldOut: heldOut)
        let budgets = try budgets(candidate, profiles: profiles)

        var checks = valueChecks(candidateRun.metrics, heldOut: heldOut, policy: policy)
        checks += changeChecks(candidate: candidateRun, champion: championRun, forgetting: forgetting,
                               championName: champion?.name, policy: policy)
        checks.append(agreementCheck(agreement, policy: policy))
        checks.append(runtimeSupportCheck(candidate.model, unsupported: []))
        checks += budgetChecks(budgets, policy: policy)
        return GateReport(candidate: candidate.name, champion: champion?.name, heldOutRows: heldOut.rowCount, checks: checks,
                          candidateMetrics: candidateRun.metrics, championMetrics: championRun?.metrics,
                          championComparison: championRun.map { ChampionComparison(candidateCorrect: candidateRun.correct, championCorrect: $0.correct) },
                          candidateOnChampionSet: forgetting?.candidate, championOnChampionSet: forgetting?.champion,
                          int8FloatAgreement: try? agreement.get(), profiles: budgets, policy: policy)
    }
}
