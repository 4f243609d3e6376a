import Training

extension BlessingGate {
    /// Absolute thresholds on the candidate alone: better than chance, minimum accuracy and macro-F1, recall floor.
    static func valueChecks(_ m: ModelMetrics, heldOut: Dataset, policy: GatePolicy) -> [GateCheck] {
        var checks: [GateCheck] = []
        let f = { (x: Double) in GateFormat.fixed(x) }

        // A model whose balanced accuracy (mean recall over the classes present) is no better than chance has
        // learned nothing usable, whatever the configured thresholds say. Always answering one class, or answering
        // at random, scores 1/K; plain accuracy would not do as the floor, because on imbalanced rows a useful
        // detector can tie the majority class (catching 5 of 10 anomalies at the cost of 5 false alarms) while a
        // useless one beats a naive bar. It needs no tuning, so it is always on.
        let present = heldOut.classCounts.filter { $0 > 0 }.count
        if present >= 2 {
            let chance = 1 / Double(present)
            let balanced = m.balancedAccuracy
            let passed = balanced > chance
            checks.append(GateCheck(id: "better_than_chance", kind: .value, status: passed ? .passed : .failed, required: true,
                                    measured: balanced, threshold: chance, comparison: ">",
                                    reason: passed ? "balanced accuracy \(f(balanced)) beats chance (\(f(chance)) for \(present) classes)"
                                        : "balanced accuracy \(f(balanced)) is no better than chance (\(f(chance)) for \(present) classes): the model does no better than answering one class or at random"))
        } else {
            checks.append(GateCheck(id: "better_than_chance", kind: .value, status: .notApplicable, required: false,
                                    measured: m.balancedAccuracy,
                                    reason: "the held-out rows hold one class only, so chance cannot be told from skill"))
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
