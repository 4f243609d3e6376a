/// Attributes drift to devices, cohorts or the fleet. A pure function of the baseline, the devices' windows and the policy.
///
/// The rule, per feature (docs/drift.md, "Attribution"):
/// 1. Each device's window is compared with the baseline; p-values are adjusted (Benjamini–Hochberg) across all
///    features × devices. A device with fewer than `minimumSamples` observations takes part only in the pools.
/// 2. A drifting device is a **device anomaly** when, in every cohort it belongs to, fewer than `cohortDriftShare`
///    of its cohort-mates with enough data drift (a device with no such cohort-mates is compared with the whole
///    fleet the same way).
/// 3. Anomalous devices are left out of the pools. A cohort **drifts** when (at least `cohortDriftShare` of its
///    members with enough data drift, or its pooled counts drift) and neither is true of the devices outside it.
///    Pooled tests are adjusted together across features × pools.
/// 4. **Fleet-wide** drift: no cohort drifts, and the fleet's pooled counts drift or at least `cohortDriftShare`
///    of the non-anomalous devices with enough data drift (drift spread across cohorts).
/// The feature's `kind` is the most general level found (fleet > cohort > device > none).
public enum DriftAttribution {
    /// - Throws: `DriftError` for invalid histograms or a device missing a baseline feature.
    public static func attribute(baseline: [DriftHistogram], devices: [DeviceWindow], policy: DriftPolicy = DriftPolicy()) throws -> AttributionReport {
        try policy.validate()
        for histogram in baseline { try histogram.validate() }
        // Validated counts per device per feature.
        var counts = [[[Double]]]()  // [device][feature][bin]
        for device in devices {
            var row = [[Double]]()
            for histogram in baseline {
                guard let window = device.histograms.first(where: { $0.name == histogram.name }) else {
                    throw DriftError(.featureMismatch, "device \(device.deviceID) has no feature \(histogram.name); send every baseline feature")
                }
                try window.validate(bins: histogram.counts.count)
                row.append(window.counts)
            }
            counts.append(row)
        }

        // 1. Device-level comparisons, adjusted across features × devices.
        var deviceOutcomes = [DriftAnalyzer.Outcome]()
        var rejected = Set<Int>()
        for d in devices.indices {
            for (f, histogram) in baseline.enumerated() {
                switch DriftAnalyzer.measure(baseline: histogram, current: counts[d][f], policy: policy) {
                case .success(let outcome): deviceOutcomes.append(outcome)
                case .failure:
                    rejected.insert(f)
                    deviceOutcomes.append(DriftAnalyzer.Outcome(feature: histogram.name, chi: .init(statistic: 0, degreesOfFreedom: 0, pValue: 1),
                                                                psi: 0, jensenShannonDivergence: 0, wasserstein: 0, psiAllowance: 0,
                                                                jensenShannonAllowance: 0, wassersteinAllowance: 0, bins: histogram.counts.count,
                                                                baselineCount: 0, currentCount: 0))
                }
            }
        }
        let deviceDrift = DriftAnalyzer.verdicts(deviceOutcomes, policy: policy)
        let features = baseline.count
        func deviceResult(_ d: Int, _ f: Int) -> FeatureDrift { deviceDrift[d * features + f] }

        let allCohorts = Set(devices.flatMap { $0.cohorts.map { Cohort(key: $0.key, value: $0.value) } }).sorted()

        // 2. Device anomalies.
        var anomalous = [[Bool]](repeating: [Bool](repeating: false, count: features), count: devices.count)
        for f in 0..<features where !rejected.contains(f) {
            for d in devices.indices where deviceResult(d, f).verdict == .drift {
                func mateShare(_ isMate: (Int) -> Bool) -> Double? {
                    let mates = devices.indices.filter { $0 != d && isMate($0) && deviceResult($0, f).verdict != .insufficientData }
                    guard !mates.isEmpty else { return nil }
                    return Double(mates.filter { deviceResult($0, f).verdict == .drift }.count) / Double(mates.count)
                }
                let shares = devices[d].cohorts.compactMap { key, value in mateShare { devices[$0].cohorts[key] == value } }
                let checked = shares.isEmpty ? [mateShare { _ in true }].compactMap { $0 } : shares
                if !checked.isEmpty && checked.allSatisfy({ $0 < policy.cohortDriftShare }) { anomalous[d][f] = true }
            }
        }

        // 3. Pools without anomalous devices: per feature, every cohort, its outsiders, and the fleet.
        struct Pool { var feature: Int; var cohort: Cohort?; var outsiders: Bool; var members: [Int] }
        var pools = [Pool]()
        for f in 0..<features {
            let eligible = devices.indices.filter { !anomalous[$0][f] }
            pools.append(Pool(feature: f, cohort: nil, outsiders: false, members: eligible))
            for cohort in allCohorts {
                let inside = eligible.filter { devices[$0].cohorts[cohort.key] == cohort.value }
                pools.append(Pool(feature: f, cohort: cohort, outsiders: false, members: inside))
                pools.append(Pool(feature: f, cohort: cohort, outsiders: true, members: eligible.filter { !inside.contains($0) }))
            }
        }
        var poolOutcomes = [DriftAnalyzer.Outcome]()
        for pool in pools {
            var pooled = [Double](repeating: 0, count: baseline[pool.feature].counts.count)
            for d in pool.members { for b in pooled.indices { pooled[b] += counts[d][pool.feature][b] } }
            switch DriftAnalyzer.measure(baseline: baseline[pool.feature], current: pooled, policy: policy) {
            case .success(let outcome): poolOutcomes.append(outcome)
            case .failure:
                poolOutcomes.append(DriftAnalyzer.Outcome(feature: baseline[pool.feature].name, chi: .init(statistic: 0, degreesOfFreedom: 0, pValue: 1),
                                                          psi: 0, jensenShannonDivergence: 0, wasserstein: 0, psiAllowance: 0,
                                                          jensenShannonAllowance: 0, wassersteinAllowance: 0, bins: pooled.count,
                                                          baselineCount: 0, currentCount: 0))
            }
        }
        let poolDrift = DriftAnalyzer.verdicts(poolOutcomes, policy: policy)

        var results = [FeatureAttribution]()
        for f in 0..<features {
            let name = baseline[f].name
            let drifting = devices.indices.filter { deviceResult($0, f).verdict == .drift }
            let anomalies = drifting.filter { anomalous[$0][f] }
            func memberShare(_ members: [Int]) -> (count: Int, drifting: Int) {
                let sufficient = members.filter { deviceResult($0, f).verdict != .insufficientData }
                return (sufficient.count, sufficient.filter { deviceResult($0, f).verdict == .drift }.count)
            }
            func shareDrifts(_ share: (count: Int, drifting: Int)) -> Bool {
                share.count > 0 && Double(share.drifting) / Double(share.count) >= policy.cohortDriftShare
            }
            var fleet: FeatureDrift?
            var cohortResults = [FeatureAttribution.CohortResult]()
            var insidePool: (Pool, FeatureDrift)?
            for (index, pool) in pools.enumerated() where pool.feature == f {
                let result = poolDrift[index]
                if pool.cohort == nil { fleet = result; continue }
                if !pool.outsiders { insidePool = (pool, result); continue }
                guard let (inside, aggregate) = insidePool, let cohort = inside.cohort else { continue }
                let insideShare = memberShare(inside.members), outsideShare = memberShare(pool.members)
                let outsiders: FeatureDrift? = pool.members.isEmpty ? nil : result
                let insideDrifts = shareDrifts(insideShare) || aggregate.verdict == .drift
                let outsideDrifts = shareDrifts(outsideShare) || outsiders?.verdict == .drift
                cohortResults.append(.init(cohort: cohort, members: insideShare.count, driftingMembers: insideShare.drifting,
                                           aggregate: aggregate, outsiders: outsiders, drifts: insideDrifts && !outsideDrifts))
            }
            let fleetResult = fleet!
            let driftingCohorts = cohortResults.filter(\.drifts).map(\.cohort)
            let eligible = devices.indices.filter { !anomalous[$0][f] }
            let fleetWide = driftingCohorts.isEmpty && (fleetResult.verdict == .drift || shareDrifts(memberShare(eligible)))
            let kind: FeatureAttribution.Kind
            if fleetWide { kind = .fleetWide }
            else if !driftingCohorts.isEmpty { kind = .cohortDrift }
            else if !anomalies.isEmpty { kind = .deviceAnomaly }
            else if fleetResult.verdict == .insufficientData && drifting.isEmpty
                        && devices.indices.allSatisfy({ deviceResult($0, f).verdict == .insufficientData }) { kind = .insufficientData }
            else { kind = .none }
            results.append(FeatureAttribution(feature: name, kind: kind, driftingDevices: drifting.map { devices[$0].deviceID },
                                              anomalousDevices: anomalies.map { devices[$0].deviceID }, driftingCohorts: driftingCohorts,
                                              cohorts: cohortResults, fleet: fleetResult))
        }
        var perDevice = [String: [FeatureDrift]]()
        for d in devices.indices { perDevice[devices[d].deviceID] = (0..<features).map { deviceResult(d, $0) } }
        return AttributionReport(features: results, devices: perDevice)
    }
}
