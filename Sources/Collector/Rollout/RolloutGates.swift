import Foundation

/// The gates between waves: pure functions of a wave's and the control's telemetry over the same period.
///
/// Every gate gives pass, fail or inconclusive with a reason a person can act on. Missing telemetry is never
/// read as health: too few reporting devices or too few inferences make a gate inconclusive, not a pass.
public enum RolloutGates {
    /// Every gate's result, in a fixed order.
    ///
    /// `waveBefore` and `controlBefore` are the same devices on the champion in the period before the wave started.
    /// With them the comparisons are differences in differences: each group is compared with itself before the wave
    /// and the wave's change is held against the control's change, so a canary of a few devices is not failed
    /// because its boards are slower or its inputs differ from the control's. Without them (no telemetry before),
    /// the wave is compared with the control directly.
    public static func evaluate(wave: RolloutGateSample, control: RolloutGateSample, waveBefore: RolloutGateSample? = nil,
                                controlBefore: RolloutGateSample? = nil, policy: RolloutGatePolicy) -> [RolloutGateResult] {
        var results = [install(wave, policy), reporting(wave, policy)]
        let enough = wave.inferences >= policy.minimumInferences && control.inferences >= policy.minimumInferences
        let few = "too few inferences to judge: wave \(wave.inferences), control \(control.inferences), need \(policy.minimumInferences) each"
        let baselines = waveBefore.flatMap { w in controlBefore.map { (w, $0) } }
            .flatMap { $0.0.inferences >= policy.minimumInferences && $0.1.inferences >= policy.minimumInferences ? $0 : nil }
        results.append(errors(wave, control, policy, enough: enough, few: few))
        results.append(latency(wave, control, baselines, policy, enough: enough, few: few))
        results.append(predictions(wave, control, baselines, policy, enough: enough, few: few))
        results.append(confidence(wave, control, baselines, policy, enough: enough, few: few))
        if let minimum = policy.minimumShadowAgreement {
            if let agreement = wave.shadowAgreement {
                results.append(RolloutGateResult(gate: "shadow", verdict: agreement >= minimum ? .pass : .fail, wave: agreement, control: nil,
                                                 threshold: minimum, reason: "shadow agreement with the champion \(percent(agreement)), minimum \(percent(minimum))"))
            } else {
                results.append(RolloutGateResult(gate: "shadow", verdict: .inconclusive, wave: nil, control: nil, threshold: minimum,
                                                 reason: "no shadow statistics reported by the wave"))
            }
        }
        results.append(health(wave, control, policy, before: waveBefore.flatMap { w in controlBefore.map { (w, $0) } }))
        return results
    }

    /// Fail if any gate fails, else inconclusive if any is, else pass.
    public static func overall(_ results: [RolloutGateResult]) -> RolloutGateVerdict {
        if results.contains(where: { $0.verdict == .fail }) { return .fail }
        if results.contains(where: { $0.verdict == .inconclusive }) { return .inconclusive }
        return .pass
    }

    static func install(_ wave: RolloutGateSample, _ policy: RolloutGatePolicy) -> RolloutGateResult {
        let finished = wave.installsSucceeded + wave.installsFailed
        let threshold = policy.minimumInstallSuccess
        // Failures that no later success can make up for fail the gate at once: a canary need not wait for stragglers.
        let tolerated = Double(wave.devices) * (1 - threshold)
        if Double(wave.installsFailed) > tolerated {
            let rate = finished == 0 ? 0 : Double(wave.installsSucceeded) / Double(finished)
            return RolloutGateResult(gate: "install", verdict: .fail, wave: rate, control: nil, threshold: threshold,
                                     reason: "\(wave.installsFailed) of \(wave.devices) installs failed or rolled back (at most \(Int(tolerated)) tolerated)")
        }
        guard finished > 0, Double(finished) >= Double(wave.devices) * policy.minimumReportingFraction else {
            return RolloutGateResult(gate: "install", verdict: .inconclusive, wave: nil, control: nil, threshold: threshold,
                                     reason: "\(finished) of \(wave.devices) installs finished")
        }
        let rate = Double(wave.installsSucceeded) / Double(finished)
        return RolloutGateResult(gate: "install", verdict: rate >= threshold ? .pass : .fail, wave: rate, control: nil, threshold: threshold,
                                 reason: "install success \(percent(rate)) of \(finished) finished, minimum \(percent(threshold))")
    }

    static func reporting(_ wave: RolloutGateSample, _ policy: RolloutGatePolicy) -> RolloutGateResult {
        let fraction = wave.devices == 0 ? 0 : Double(wave.reportingDevices) / Double(wave.devices)
        let ok = fraction >= policy.minimumReportingFraction
        return RolloutGateResult(gate: "reporting", verdict: ok ? .pass : .inconclusive, wave: fraction, control: nil,
                                 threshold: policy.minimumReportingFraction,
                                 reason: "\(wave.reportingDevices) of \(wave.devices) wave devices reported telemetry"
                                    + (ok ? "" : "; a silent device is unknown, not healthy"))
    }

    static func errors(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ policy: RolloutGatePolicy, enough: Bool,
                       few: String) -> RolloutGateResult {
        guard enough, let w = wave.errorRate, let c = control.errorRate else {
            return RolloutGateResult(gate: "errors", verdict: .inconclusive, wave: wave.errorRate, control: control.errorRate,
                                     threshold: policy.maximumErrorRateIncrease, reason: few)
        }
        let ok = w - c <= policy.maximumErrorRateIncrease
        return RolloutGateResult(gate: "errors", verdict: ok ? .pass : .fail, wave: w, control: c, threshold: policy.maximumErrorRateIncrease,
                                 reason: "error rate \(percent(w)) against the control's \(percent(c)), at most +\(percent(policy.maximumErrorRateIncrease))")
    }

    static func latency(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ baselines: (RolloutGateSample, RolloutGateSample)?,
                        _ policy: RolloutGatePolicy, enough: Bool, few: String) -> RolloutGateResult {
        let limit = policy.maximumLatencyRatio
        if enough, case let (waveBefore, controlBefore)? = baselines, let w = wave.medianLatencyChange(from: waveBefore),
           let c = control.medianLatencyChange(from: controlBefore), c > 0 {
            let ratio = w / c
            return RolloutGateResult(gate: "latency", verdict: ratio <= limit ? .pass : .fail, wave: w, control: c, threshold: limit,
                                     reason: "latency p95 ×\(fixed(w)) of the same devices before the wave, the control's ×\(fixed(c)) (relative ×\(fixed(ratio))), at most ×\(fixed(limit))")
        }
        guard enough, let w = wave.latencyP95Micros, let c = control.latencyP95Micros, c > 0 else {
            return RolloutGateResult(gate: "latency", verdict: .inconclusive, wave: wave.latencyP95Micros, control: control.latencyP95Micros,
                                     threshold: limit, reason: enough ? "no latency reported" : few)
        }
        let ratio = w / c
        return RolloutGateResult(gate: "latency", verdict: ratio <= limit ? .pass : .fail, wave: w, control: c, threshold: limit,
                                 reason: "latency p95 \(Int(w.rounded())) µs against the control's \(Int(c.rounded())) µs (×\(fixed(ratio))), at most ×\(fixed(limit))")
    }

    static func predictions(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ baselines: (RolloutGateSample, RolloutGateSample)?,
                            _ policy: RolloutGatePolicy, enough: Bool, few: String) -> RolloutGateResult {
        let limit = policy.maximumPredictionDistance
        if enough, case let (waveBefore, controlBefore)? = baselines, let w = wave.medianPredictionDistance(from: waveBefore),
           let c = control.medianPredictionDistance(from: controlBefore) {
            return RolloutGateResult(gate: "predictions", verdict: w - c <= limit ? .pass : .fail, wave: w, control: c, threshold: limit,
                                     reason: "median Jensen–Shannon distance of each device's predicted classes to its own before the wave \(fixed(w)), the control's \(fixed(c)); at most \(fixed(limit)) more")
        }
        guard enough, let distance = jensenShannonDistance(wave.predictions, control.predictions) else {
            return RolloutGateResult(gate: "predictions", verdict: .inconclusive, wave: nil, control: nil,
                                     threshold: limit, reason: enough ? "no predicted classes reported" : few)
        }
        return RolloutGateResult(gate: "predictions", verdict: distance <= limit ? .pass : .fail, wave: distance,
                                 control: 0, threshold: limit,
                                 reason: "Jensen–Shannon distance of predicted classes to the control \(fixed(distance)), at most \(fixed(limit))")
    }

    static func confidence(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ baselines: (RolloutGateSample, RolloutGateSample)?,
                           _ policy: RolloutGatePolicy, enough: Bool, few: String) -> RolloutGateResult {
        let limit = policy.maximumConfidenceDrop
        if enough, case let (waveBefore, controlBefore)? = baselines, let w = wave.meanConfidence, let wb = waveBefore.meanConfidence,
           let c = control.meanConfidence, let cb = controlBefore.meanConfidence {
            let drop = (wb - w) - (cb - c)
            return RolloutGateResult(gate: "confidence", verdict: drop <= limit ? .pass : .fail, wave: w - wb, control: c - cb, threshold: limit,
                                     reason: "mean confidence moved \(fixed(w - wb)) from before the wave, the control's \(fixed(c - cb)); at most \(fixed(limit)) lower")
        }
        guard enough, let w = wave.meanConfidence, let c = control.meanConfidence else {
            return RolloutGateResult(gate: "confidence", verdict: .inconclusive, wave: wave.meanConfidence, control: control.meanConfidence,
                                     threshold: limit, reason: enough ? "no confidence reported" : few)
        }
        let ok = c - w <= limit
        return RolloutGateResult(gate: "confidence", verdict: ok ? .pass : .fail, wave: w, control: c, threshold: limit,
                                 reason: "mean confidence \(fixed(w)) against the control's \(fixed(c)), at most \(fixed(limit)) lower")
    }

    /// Device health: restarts, throttling, memory and temperature, each the wave against the control over the same
    /// period (differences in differences where both groups reported before the wave). One gate; its verdict is the
    /// worst signal's and its reason names every signal, failing ones first, so a decision says which one failed.
    static func health(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ policy: RolloutGatePolicy,
                       before: (RolloutGateSample, RolloutGateSample)? = nil) -> RolloutGateResult {
        let signals: [RolloutHealthSignal] = [restarts(wave, control, before, policy), throttling(wave, control, before, policy), memory(wave, control, before, policy),
                       temperature(wave, control, policy)]
        let verdict: RolloutGateVerdict = signals.contains { $0.verdict == .fail } ? .fail
            : signals.contains { $0.verdict == .inconclusive } ? .inconclusive : .pass
        let lead: RolloutHealthSignal = signals.first { $0.verdict == verdict && verdict != .pass } ?? signals[signals.count - 1]
        let failing: [RolloutHealthSignal] = signals.filter { $0.verdict == .fail }
        let unsure: [RolloutHealthSignal] = signals.filter { $0.verdict == .inconclusive }
        let passing: [RolloutHealthSignal] = signals.filter { $0.verdict == .pass }
        let ordered = failing + unsure + passing
        let reason = ordered.map { (signal: RolloutHealthSignal) -> String in
            switch signal.verdict {
            case .fail: "\(signal.name) failed: \(signal.reason)"
            case .inconclusive: "\(signal.name) inconclusive: \(signal.reason)"
            case .pass: "\(signal.name): \(signal.reason)"
            }
        }.joined(separator: "; ")
        return RolloutGateResult(gate: "health", verdict: verdict, wave: lead.wave, control: lead.control, threshold: lead.threshold, reason: reason)
    }

    static func restarts(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ before: (RolloutGateSample, RolloutGateSample)?,
                         _ policy: RolloutGatePolicy) -> RolloutHealthSignal {
        let limit = policy.maximumRestartRateIncrease
        guard let w = wave.restartRate, let c = control.restartRate else {
            // The engine always counts births; a sample without device-hours comes from a caller that did not.
            return RolloutHealthSignal(name: "restarts", verdict: .pass, wave: nil, control: nil, threshold: limit, reason: "not counted")
        }
        var increase = w - c
        var how = "\(fixed(w)) per device-hour (\(wave.restarts) restarts) against the control's \(fixed(c))"
        if case let (waveBefore, controlBefore)? = before, let wb = waveBefore.restartRate, let cb = controlBefore.restartRate {
            increase = (w - wb) - (c - cb)
            how += ", before the wave \(fixed(wb)) and \(fixed(cb))"
        }
        // One restart is not a pattern (a power cut, an operator): failing needs at least two in the wave.
        let fails = increase > limit && wave.restarts >= 2
        return RolloutHealthSignal(name: "restarts", verdict: fails ? .fail : .pass, wave: w, control: c, threshold: limit,
                            reason: "\(how); +\(fixed(increase)), at most +\(fixed(limit))")
    }

    static func throttling(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ before: (RolloutGateSample, RolloutGateSample)?,
                           _ policy: RolloutGatePolicy) -> RolloutHealthSignal {
        let limit = policy.maximumThrottledShareIncrease
        guard let w = wave.throttledShare else {
            return RolloutHealthSignal(name: "throttling", verdict: .pass, wave: nil, control: control.throttledShare, threshold: limit,
                                reason: "no throttling bits reported by the wave (boards without the firmware call)")
        }
        guard let c = control.throttledShare else {
            return RolloutHealthSignal(name: "throttling", verdict: .inconclusive, wave: w, control: nil, threshold: limit,
                                reason: "the wave reported throttling bits, the control none to compare with")
        }
        var increase = w - c
        var how = "\(wave.throttledDevices) of \(wave.throttleReportingDevices) wave devices throttled (\(percent(w))), the control \(percent(c))"
        if case let (waveBefore, controlBefore)? = before, let wb = waveBefore.throttledShare, let cb = controlBefore.throttledShare {
            increase = (w - wb) - (c - cb)
            how += ", before the wave \(percent(wb)) and \(percent(cb))"
        }
        return RolloutHealthSignal(name: "throttling", verdict: increase > limit ? .fail : .pass, wave: w, control: c, threshold: limit,
                            reason: "\(how); +\(percent(increase)), at most +\(percent(limit))")
    }

    static func memory(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ before: (RolloutGateSample, RolloutGateSample)?,
                       _ policy: RolloutGatePolicy) -> RolloutHealthSignal {
        let limit = policy.maximumMemoryIncrease
        guard let measured = wave.memoryP95Bytes else {
            return RolloutHealthSignal(name: "memory", verdict: .pass, wave: nil, control: control.memoryP95Bytes, threshold: limit,
                                reason: "no memory measurement from the wave")
        }
        guard let c = control.memoryP95Bytes, c > 0 else {
            return RolloutHealthSignal(name: "memory", verdict: .inconclusive, wave: measured, control: nil, threshold: limit,
                                reason: "the wave reported memory, the control none to compare with")
        }
        let mib = { (bytes: Double) in "\(fixed(bytes / 1_048_576)) MiB" }
        // What the new version's arena and weights add (held beside the champion's in probation) is expected.
        let w = max(1, measured - wave.expectedMemoryIncreaseBytes)
        let expected = wave.expectedMemoryIncreaseBytes > 0 ? " less the version's own \(mib(wave.expectedMemoryIncreaseBytes))" : ""
        if case let (waveBefore, controlBefore)? = before, let wb = waveBefore.memoryP95Bytes, let cb = controlBefore.memoryP95Bytes, wb > 0, cb > 0 {
            // Each group against itself before the wave: boards differ in what the same agent takes.
            let growth = (w / wb) / (c / cb) - 1
            return RolloutHealthSignal(name: "memory", verdict: growth > limit ? .fail : .pass, wave: measured, control: c, threshold: limit,
                                reason: "RSS p95 \(mib(measured))\(expected) (before the wave \(mib(wb))), the control's \(mib(c)) (before \(mib(cb))); grew \(percent(growth)) more than the control's, at most \(percent(limit))")
        }
        let growth = w / c - 1
        return RolloutHealthSignal(name: "memory", verdict: growth > limit ? .fail : .pass, wave: measured, control: c, threshold: limit,
                            reason: "RSS p95 \(mib(measured))\(expected) against the control's \(mib(c)) (+\(percent(growth))), at most +\(percent(limit))")
    }

    static func temperature(_ wave: RolloutGateSample, _ control: RolloutGateSample, _ policy: RolloutGatePolicy) -> RolloutHealthSignal {
        let limit = policy.maximumTemperatureIncrease
        guard let w = wave.maximumTemperatureCelsius, let c = control.maximumTemperatureCelsius else {
            // Many boards have no sensor: the reporting gate already covers silent devices.
            return RolloutHealthSignal(name: "temperature", verdict: .pass, wave: wave.maximumTemperatureCelsius, control: control.maximumTemperatureCelsius,
                                threshold: limit, reason: "no temperature to compare")
        }
        return RolloutHealthSignal(name: "temperature", verdict: w - c > limit ? .fail : .pass, wave: w, control: c, threshold: limit,
                            reason: "hottest device \(fixed(w)) °C against the control's \(fixed(c)) °C, at most +\(fixed(limit))")
    }

    /// Jensen–Shannon distance (square root of the divergence, base 2, so 0…1) of two count vectors; nil if either is empty.
    public static func jensenShannonDistance(_ p: [UInt64], _ q: [UInt64]) -> Double? {
        let n = max(p.count, q.count)
        let sp = Double(p.reduce(0, +)), sq = Double(q.reduce(0, +))
        guard sp > 0, sq > 0 else { return nil }
        var divergence = 0.0
        for i in 0..<n {
            let a = i < p.count ? Double(p[i]) / sp : 0
            let b = i < q.count ? Double(q[i]) / sq : 0
            let m = (a + b) / 2
            if a > 0 { divergence += 0.5 * a * log2(a / m) }
            if b > 0 { divergence += 0.5 * b * log2(b / m) }
        }
        return max(0, min(1, divergence)).squareRoot()
    }

    static func percent(_ value: Double) -> String { "\(fixed(value * 100)) %" }

    /// Three significant decimals without Foundation's formatting.
    static func fixed(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
