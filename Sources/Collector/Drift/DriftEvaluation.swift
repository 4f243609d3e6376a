import Bundles
import Drift
import FleetProtocol

/// One drift computation as a pure function: a version's baseline, the devices' windows, the policy and the alarm
/// state in; a report and the next alarm state out. The ``DriftMonitor`` does the reading and writing around it.
public enum DriftEvaluation {
    /// The name under which predicted classes are compared (reported apart from input features).
    public static let predictionFeature = "prediction"

    /// The result of one computation.
    public struct Outcome: Sendable {
        public var report: DriftReportRecord
        /// Alarm state per feature after this window.
        public var hysteresis: [String: DriftHysteresis]
    }

    /// The baseline histograms the statistics compare against, converted from the bundle's baseline.
    ///
    /// A bundle's feature histogram has outer edges and every bin between them (values beyond the edges are counted
    /// in the outer bins on the device); the statistics take the same bins through their bounded edges.
    public static func histograms(_ baseline: DriftBaseline) -> [DriftHistogram] {
        var histograms = baseline.allFeatures.map { feature in
            DriftHistogram(name: feature.name, boundedEdges: feature.edges, counts: feature.counts)
        }
        if baseline.predictions.counts.count >= 2 {
            histograms.append(DriftHistogram.categorical(name: predictionFeature, counts: baseline.predictions.counts))
        }
        return histograms
    }

    /// A feature's score in a report: the largest of the fleet's, a drifting cohort's and a drifting device's.
    public static func score(of feature: FeatureAttribution, in attribution: AttributionReport) -> Double {
        let devices = feature.driftingDevices.compactMap { id in attribution.devices[id]?.first { $0.feature == feature.feature }?.score }
        let cohorts = feature.cohorts.filter(\.drifts).map(\.aggregate.score)
        return ([feature.fleet.score] + devices + cohorts).max() ?? 0
    }

    public static func evaluate(model: String, version: String, digest: String, baseline: DriftBaseline, windows: [DriftWindowInput],
                                policy: DriftPolicy, hysteresis previous: [String: DriftHysteresis], computedAt: Int64,
                                window: TimeRange, trigger: String, previousReport: DriftReportRecord? = nil) throws -> Outcome {
        let histograms = histograms(baseline)
        var skipped: [String: String] = [:]
        var devices: [DeviceWindow] = []
        for input in windows {
            // Counts on other bins than the baseline's (another bundle, a broken agent) are skipped, never guessed.
            var columns: [DriftHistogram] = []
            var problem: String?
            for histogram in histograms {
                let counts: [UInt64]
                if histogram.name == predictionFeature {
                    counts = input.predictions.isEmpty ? [UInt64](repeating: 0, count: histogram.counts.count) : input.predictions
                } else {
                    counts = input.features.first { $0.name == histogram.name }?.counts ?? [UInt64](repeating: 0, count: histogram.counts.count)
                }
                guard counts.count == histogram.counts.count else {
                    problem = "\(histogram.name): \(counts.count) bins where the baseline has \(histogram.counts.count)"
                    break
                }
                columns.append(DriftHistogram(name: histogram.name, edges: [], counts: counts.map { Double($0) }))
            }
            if let problem {
                skipped[input.deviceID] = problem
                continue
            }
            devices.append(DeviceWindow(deviceID: input.deviceID, cohorts: input.cohorts, histograms: columns))
        }
        // A cohort key with one value across the window's devices is the whole fleet, not a cohort: leave it out, so
        // that fleet-wide drift is not also attributed to "every device running version 1.0.0".
        let informative = Set(devices.flatMap(\.cohorts.keys).filter { key in Set(devices.compactMap { $0.cohorts[key] }).count >= 2 })
        devices = devices.map { DeviceWindow(deviceID: $0.deviceID, cohorts: $0.cohorts.filter { informative.contains($0.key) },
                                             histograms: $0.histograms) }
        let inputs = histograms.filter { $0.name != predictionFeature }
        let attribution = try DriftAttribution.attribute(baseline: histograms, devices: devices, policy: policy)
        var pooled: [DriftHistogram] = []
        for (index, histogram) in histograms.enumerated() {
            var counts = [Double](repeating: 0, count: histogram.counts.count)
            for device in devices { for bin in counts.indices { counts[bin] += device.histograms[index].counts[bin] } }
            pooled.append(DriftHistogram(name: histogram.name, edges: [], counts: counts))
        }
        let predictions: Set<String> = histograms.count > inputs.count ? [predictionFeature] : []
        let fleet = try DriftAnalyzer.compare(baseline: histograms, current: pooled, policy: policy, predictions: predictions)

        // Alarms with hysteresis, per feature: raised when the feature drifts anywhere (a device, a cohort, the fleet).
        var state = previous
        var alarms: [String] = []
        var changes: [DriftAlarmChange] = []
        for attributed in attribution.features {
            let fleetResult = attributed.fleet
            let score = Self.score(of: attributed, in: attribution)
            let drifts = [.deviceAnomaly, .cohortDrift, .fleetWide].contains(attributed.kind)
            let verdict: DriftVerdict = drifts ? .drift : (attributed.kind == .insufficientData ? .insufficientData : fleetResult.verdict)
            var alarm = state[attributed.feature] ?? DriftHysteresis(policy: policy)
            let wasRaised = alarm.isDrifting
            let raised = alarm.update(verdict: verdict, score: score, significant: drifts || fleetResult.adjustedPValue < policy.alpha)
            state[attributed.feature] = alarm
            if raised { alarms.append(attributed.feature) }
            let cohorts = attributed.driftingCohorts.map(\.description), devices = attributed.anomalousDevices
            if raised != wasRaised {
                changes.append(DriftAlarmChange(feature: attributed.feature, raised: raised, kind: attributed.kind, cohorts: cohorts,
                                                devices: devices, score: score))
            } else if raised, drifts, let before = previousReport?.attribution.features.first(where: { $0.feature == attributed.feature }),
                      before.kind != attributed.kind || Set(before.driftingCohorts.map(\.description)) != Set(cohorts)
                          || Set(before.anomalousDevices) != Set(devices) {
                changes.append(DriftAlarmChange(feature: attributed.feature, raised: true, moved: true, kind: attributed.kind, cohorts: cohorts,
                                                devices: devices, score: score))
            }
        }
        let report = DriftReportRecord(model: model, version: version, digest: digest, computedAt: computedAt, windowFrom: window.from,
                                       windowTo: window.to, trigger: trigger, devices: devices.count, fleet: fleet, attribution: attribution,
                                       alarms: alarms, changes: changes, skippedDevices: skipped, policy: policy)
        return Outcome(report: report, hysteresis: state)
    }
}
