import Bundles

extension BlessingGate {
    /// The candidate against each profile's budgets, with the same `ProfileFit` that `bundle check` and the agent use.
    static func budgets(_ candidate: GateModel, profiles: [FirmwareProfile]) throws(GateError) -> [ProfileBudget] {
        guard !profiles.isEmpty else { return [] }
        let analysis: ModelAnalysis
        do { analysis = try ModelAnalyzer.analyze(candidate.bytes) } catch {
            throw GateError(.invalidModel, "candidate \(candidate.name): \(error.message)")
        }
        return profiles.map { profile in
            let fit = ProfileFit(requirements: analysis.requirements(), payloadLength: candidate.bytes.count,
                                 unsupportedOperators: analysis.unsupportedOperators, profile: profile)
            return ProfileBudget(profile: profile.id, fits: fit.fits, problems: fit.problems.map(\.message),
                                 arenaBytes: analysis.arenaBytes, arenaBudgetBytes: profile.memory.arenaBytes,
                                 weightsBytes: analysis.weightsBytes, weightsBudgetBytes: profile.memory.weightsBytes,
                                 modelBytes: candidate.bytes.count, macs: analysis.macs,
                                 estimatedLatencyMilliseconds: fit.estimatedLatencySeconds * 1000)
        }
    }

    /// One check per profile: budgets and operators from `ProfileFit`, plus the policy's latency bound.
    static func budgetChecks(_ budgets: [ProfileBudget], policy: GatePolicy) -> [GateCheck] {
        budgets.map { b in
            var problems = b.problems
            let latency = GateFormat.fixed(b.estimatedLatencyMilliseconds, 3)
            if let bound = policy.maxLatencyMilliseconds, b.estimatedLatencyMilliseconds > bound {
                problems.append("estimated latency \(latency) ms on \(b.profile) exceeds \(GateFormat.fixed(bound, 3)) ms")
            }
            let summary = "arena \(GateFormat.size(b.arenaBytes)) of \(GateFormat.size(b.arenaBudgetBytes)), weights \(GateFormat.size(b.weightsBytes)) of \(GateFormat.size(b.weightsBudgetBytes)), estimated \(latency) ms"
            return GateCheck(id: "profile:\(b.profile)", kind: .budget, status: problems.isEmpty ? .passed : .failed, required: true,
                             measured: b.estimatedLatencyMilliseconds, threshold: policy.maxLatencyMilliseconds,
                             comparison: policy.maxLatencyMilliseconds == nil ? nil : "<=",
                             reason: problems.isEmpty ? "fits \(b.profile): \(summary)" : "does not fit \(b.profile): \(problems.joined(separator: "; "))")
        }
    }
}
