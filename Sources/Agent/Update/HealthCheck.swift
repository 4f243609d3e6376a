import Bundles

/// Decides whether a loaded candidate may serve: golden cases bit-exact (within their tolerance), latency and
/// memory within the firmware profile's budget.
///
/// Runs on the caller's thread with the candidate's own interpreter, which no other thread uses yet.
enum HealthCheck {
    /// Golden cases run this many times each; the median of all runs is compared with the budget.
    static let runsPerCase = 3

    static func run(_ model: LoadedModel, profile: FirmwareProfile, latencyBudget: Duration, residentBytes: UInt64) -> HealthReport {
        var failures: [String] = []
        let schemas = model.manifest.outputs
        var latencies: [UInt64] = []
        let clock = ContinuousClock()
        for golden in model.golden.cases {
            var outputs: [[UInt8]] = []
            for run in 0..<runsPerCase {
                var inputsSet = golden.inputs.count == model.inputs.count
                for (index, bytes) in golden.inputs.enumerated() where inputsSet {
                    do { try model.interpreter.setInput(index, bytes) } catch { inputsSet = false }
                }
                guard inputsSet else {
                    failures.append("golden case '\(golden.name)': its inputs do not fit the model")
                    break
                }
                let start = clock.now
                model.interpreter.invoke()
                latencies.append(micros(clock.now - start))
                if run == 0 { outputs = model.outputs.indices.map { model.interpreter.outputBytes($0) } }
            }
            if !outputs.isEmpty, !golden.matches(outputs, outputSchemas: schemas) {
                failures.append("golden case '\(golden.name)': outputs differ from the bundle's reference (tolerance \(golden.tolerance))")
            }
        }
        if model.golden.cases.isEmpty { failures.append("the bundle has no golden cases to check") }
        latencies.sort()
        let median = latencies.isEmpty ? 0 : latencies[latencies.count / 2]
        let budget = micros(latencyBudget)
        if median > budget {
            failures.append("median latency \(median) µs is above the budget of \(budget) µs")
        }
        let arena = model.interpreter.arenaBytes + model.interpreter.workspaceBytes
        if arena > profile.memory.arenaBytes {
            failures.append("arena and workspace need \(arena) bytes, profile \(profile.id) allows \(profile.memory.arenaBytes)")
        }
        if model.interpreter.weightsBytes > profile.memory.weightsBytes {
            failures.append("weights need \(model.interpreter.weightsBytes) bytes, profile \(profile.id) allows \(profile.memory.weightsBytes)")
        }
        if residentBytes > UInt64(profile.memory.agentBytes) {
            failures.append("the agent holds \(residentBytes) resident bytes with the candidate loaded, profile \(profile.id) allows \(profile.memory.agentBytes)")
        }
        return HealthReport(failures: failures, medianLatencyMicros: median)
    }

    static func micros(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) &* 1_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000_000))
    }
}
