import Training

extension BlessingGate {
    /// Compares the candidate's int8 outputs on the held-out rows with its float reference.
    ///
    /// Returns the measurement, or the reason there is none (which the check reports as not applicable).
    static func measureAgreement(_ candidate: GateModel, run: HeldOutRun, heldOut: Dataset) throws(GateError) -> Result<Int8FloatAgreement, ShadowUnavailable> {
        let reference: (ArraySlice<Float>) -> [Float]?
        switch candidate.floatReference {
        case .none(let reason):
            return .failure(ShadowUnavailable(reason: reason))
        case .trained(let trained):
            guard trained.task == .classifier else {
                return .failure(ShadowUnavailable(reason: "the trained float model is not a classifier"))
            }
            guard trained.network.inputCount == heldOut.featureCount, trained.network.outputCount == run.scores.first?.count else {
                throw GateError(.mismatch, "the trained float model of \(candidate.name) takes \(trained.network.inputCount) features and has \(trained.network.outputCount) outputs; the int8 model and the data disagree")
            }
            // The trainer's network ends in logits; the exported model in SOFTMAX, so compare probabilities.
            reference = { row in softmax(trained.outputs(raw: Array(row))) }
        case .recomputed:
            switch FloatShadow.make(candidate.model) {
            case .failure(let why): return .failure(why)
            case .success(let shadow): reference = { shadow.outputs($0) }
            }
        }
        var agreeing = 0
        var maxDifference = 0.0
        for r in 0..<heldOut.rowCount {
            guard let float = reference(heldOut.row(r)), float.count == run.scores[r].count else {
                return .failure(ShadowUnavailable(reason: "the float reference gives no output of the int8 model's shape"))
            }
            if HeldOutRun.argmax(float) == run.predictions[r] { agreeing += 1 }
            for (a, b) in zip(float, run.scores[r]) { maxDifference = max(maxDifference, Double(abs(a - b))) }
        }
        return .success(Int8FloatAgreement(reference: candidate.floatReference.name, rows: heldOut.rowCount,
                                           agreeingRows: agreeing, maxAbsoluteDifference: maxDifference))
    }

    static func agreementCheck(_ measured: Result<Int8FloatAgreement, ShadowUnavailable>, policy: GatePolicy) -> GateCheck {
        let f = { (x: Double) in GateFormat.fixed(x) }
        switch measured {
        case .failure(let why):
            return GateCheck(id: "int8_float_agreement", kind: .quantization, status: .notApplicable,
                             required: policy.requireInt8FloatAgreement, threshold: policy.minInt8FloatAgreement, comparison: ">=",
                             reason: "no float reference: \(why.reason)")
        case .success(let a):
            let passed = a.agreement >= policy.minInt8FloatAgreement
            return GateCheck(id: "int8_float_agreement", kind: .quantization, status: passed ? .passed : .failed, required: true,
                             measured: a.agreement, threshold: policy.minInt8FloatAgreement, comparison: ">=",
                             reason: "int8 and \(a.reference) agree on \(a.agreeingRows) of \(a.rows) rows (\(f(a.agreement)))"
                                + (passed ? "" : ", below the minimum \(f(policy.minInt8FloatAgreement))")
                                + "; largest output difference \(f(a.maxAbsoluteDifference))")
        }
    }

    /// Probabilities from logits, shifted by the maximum so large logits cannot overflow.
    static func softmax(_ logits: [Float]) -> [Float] {
        guard let top = logits.max() else { return [] }
        let e = logits.map { FloatShadow.exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }
}
