import Bundles
import TFLite
import Training

extension BlessingGate {
    /// Whether the fleet's runtime implements every operator of the candidate (the agent runs nothing else).
    static func runtimeSupportCheck(_ model: Model, unsupported: [String]) -> GateCheck {
        let operators = model.operatorNames
        guard unsupported.isEmpty else {
            return GateCheck(id: "runtime_support", kind: .budget, status: .failed, required: true,
                             reason: "the EdgeFleet runtime does not implement operator\(unsupported.count == 1 ? "" : "s") \(unsupported.joined(separator: ", ")): no device can run the candidate, so nothing else was measured")
        }
        return GateCheck(id: "runtime_support", kind: .budget, status: .passed, required: true,
                         reason: "the runtime implements all \(operators.count) operator kinds (\(operators.joined(separator: ", ")))")
    }

    /// The report for a candidate the runtime cannot run: refused on `runtime_support` and the profiles, every
    /// measurement not applicable. A refusal, not an input error: the file is a valid model the fleet cannot use.
    static func unrunnable(_ candidate: GateModel, champion: GateModel?, heldOut: Dataset, unsupported: [String],
                           profiles: [FirmwareProfile], policy: GatePolicy) throws(GateError) -> GateReport {
        let ids = ["better_than_chance", "min_accuracy", "min_macro_f1", "class_recall_floor", "regression_accuracy",
                   "regression_macro_f1", "gain_accuracy", "forgetting_accuracy"]
        var checks = ids.map { id in
            GateCheck(id: id, kind: id.hasPrefix("regression") || id.hasPrefix("gain") || id.hasPrefix("forgetting") ? .change : .value,
                      status: .notApplicable, required: false, reason: "not measured: the runtime cannot run the candidate")
        }
        checks.append(GateCheck(id: "int8_float_agreement", kind: .quantization, status: .notApplicable, required: false,
                                reason: "not measured: the runtime cannot run the candidate"))
        checks.append(runtimeSupportCheck(candidate.model, unsupported: unsupported))
        let budgets = try budgets(candidate, profiles: profiles)
        checks += budgetChecks(budgets, policy: policy)
        return GateReport(candidate: candidate.name, champion: champion?.name, heldOutRows: heldOut.rowCount, checks: checks,
                          candidateMetrics: nil, championMetrics: nil, candidateOnChampionSet: nil, championOnChampionSet: nil,
                          int8FloatAgreement: nil, profiles: budgets, policy: policy)
    }
}
