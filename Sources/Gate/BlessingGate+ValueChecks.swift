import Training

extension BlessingGate {
    /// Absolute thresholds on the candidate alone: majority baseline, minimum accuracy and macro-F1, recall floor.
    static func valueChecks(_ m: ModelMetrics, heldOut: Dataset, policy: GatePolicy) -> [GateCheck] {
        var checks: [GateCheck] = []
        let f = { (x: Double) in GateFormat.fixed(x) }

        // A model no better than always answering the commonest class has learned nothing usable, whatever the
        // configured thresholds say; this check needs no tuning, so it is always on.
        let counts = heldOut.classCounts
        let present = counts.filter { $0 > 0 }.count
        if present >= 2, let top = counts.max() {
            let majority = Double(top) / Double(heldOut.rowCount)
            let name = heldOut.classNames[counts.firstIndex(of: top)!]
            let passed = m.accuracy > majority
            checks.append(GateCheck(id: "majority_baseline", kind: .value, status: passed ? .passed : .failed, required: true,
                                    measured: m.accuracy, threshold: majority, comparison: ">",
                                    reason: passed ? "accuracy \(f(m.accuracy)) beats always answering \"\(name)\" (\(f(majority)))"
                                        : "accuracy \(f(m.accuracy)) is no better than always answering \"\(name)\" (\(f(majority)))"))
        } else {
            checks.append(GateCheck(id: "majority_baseline", kind: .value, status: .notApplicable, required: false,
                                    reason: "the held-out rows hold one class only, so every model matches the majority baseline"))
        }

        if let bar = policy.minAccuracy {
            let passed = m.accuracy >= bar
            checks.append(GateCheck(id: "min_accuracy", kind: .value, status: passed ? .passed : .failed, required: true,
                                    measured: m.accuracy, threshold: bar, comparison: ">=",
                                    reason: "accuracy \(f(m.accuracy)) \(passed ? ">=" : "is below the minimum") \(f(bar)) on \(m.rows) held-out rows"))
        } else {
            checks.append(GateCheck(id: "min_accuracy", kind: .value, status: .notApplicable, required: false,
                                    measured: m.accuracy, reason: "no minimum accuracy set (accuracy \(f(m.accuracy)))"))
        }

        if let bar = policy.minMacroF1 {
            let passed = m.macroF1 >= bar
            checks.append(GateCheck(id: "min_macro_f1", kind: .value, status: passed ? .passed : .failed, required: true,
                                    measured: m.macroF1, threshold: bar, comparison: ">=",
                                    reason: "macro-F1 \(f(m.macroF1)) \(passed ? ">=" : "is below the minimum") \(f(bar))"))
        } else {
            checks.append(GateCheck(id: "min_macro_f1", kind: .value, status: .notApplicable, required: false,
                                    measured: m.macroF1, reason: "no minimum macro-F1 set (macro-F1 \(f(m.macroF1)))"))
        }

        if let floor = policy.perClassRecallFloor, let weakest = m.weakestClass {
            let passed = weakest.recall >= floor
            let below = m.report.classes.enumerated().filter { m.report.support[$0.offset] > 0 && m.report.recall[$0.offset] < floor }
            let list = below.map { "\"\($0.element)\" \(f(m.report.recall[$0.offset]))" }.joined(separator: ", ")
            checks.append(GateCheck(id: "class_recall_floor", kind: .value, status: passed ? .passed : .failed, required: true,
                                    measured: weakest.recall, threshold: floor, comparison: ">=",
                                    reason: passed ? "every class's recall >= \(f(floor)) (lowest: \"\(weakest.name)\" \(f(weakest.recall)))"
                                        : "recall below the floor \(f(floor)) for class\(below.count == 1 ? "" : "es") \(list)"))
        } else {
            checks.append(GateCheck(id: "class_recall_floor", kind: .value, status: .notApplicable, required: false,
                                    measured: m.weakestClass?.recall,
                                    reason: "no per-class recall floor set" + (m.weakestClass.map { " (lowest: \"\($0.name)\" \(f($0.recall)))" } ?? "")))
        }
        return checks
    }
}
