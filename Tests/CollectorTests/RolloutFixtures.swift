@testable import Collector
import Bundles
import FleetProtocol
import Foundation

/// Versions, devices and telemetry for the rollout tests.
enum RolloutFixtures {
    static let champion = version(release: 3, digest: String(repeating: "a", count: 64), blessed: true)
    static let candidate = version(release: 4, digest: String(repeating: "b", count: 64), blessed: true)

    static func version(release: UInt64, digest: String, blessed: Bool, requiredFeatures: [String] = []) -> ModelVersionRecord {
        ModelVersionRecord(model: "keyword-spotter", release: release, version: "1.\(release).0", digest: digest, size: 4096,
                           manifestSHA256: String(repeating: "c", count: 64), builtAt: 0, registeredAt: 0, createdBy: "test", source: "test",
                           lineage: Lineage(datasetSnapshotSHA256: String(repeating: "d", count: 64), codeVersion: "test"), labels: ["a", "b", "c"],
                           requirements: DeviceRequirements(operators: ["FULLY_CONNECTED"], arenaBytes: 1024, weightsBytes: 1024, macs: 1000,
                                                            requiredFeatures: requiredFeatures),
                           signers: [], blessed: blessed)
    }

    static func devices(_ count: Int, profiles: [String] = ["rpi-4b-2gb", "rpi-5-4gb"], prefix: String = "dev") -> [DeviceRecord] {
        (0..<count).map { index in
            DeviceRecord(id: "\(prefix)-\(index)", profile: profiles[index % profiles.count],
                         currentBundle: BundleReference(name: "keyword-spotter", version: "1.3.0", digest: champion.digest, releaseCounter: 3),
                         online: true, firstSeenAt: 0, lastSeenAt: 0, groups: index % 3 == 0 ? ["site-a"] : ["site-b"])
        }
    }

    static func strategy(bakeSeconds: Double = 60, canary: Int? = 2, extensions: Int = 1) -> RolloutStrategy {
        RolloutStrategy(canaryDevices: canary, growthFactor: 2, maximumWavePercent: 50, controlPercent: 10, bakeSeconds: bakeSeconds,
                        maximumBakeExtensions: extensions, gates: RolloutGatePolicy(minimumInferences: 100))
    }

    static func machine(devices: Int = 20, strategy: RolloutStrategy = strategy(), now: Int64 = 1_000_000) -> RolloutStateMachine {
        let plan = RolloutPlan.make(rolloutID: "ro-test", eligible: self.devices(devices), strategy: strategy)
        return RolloutStateMachine(id: "ro-test", version: candidate, champion: champion, target: RolloutTarget(profiles: ["rpi-4b-2gb"]),
                                   strategy: strategy, plan: plan, ineligible: [], createdBy: "ops", now: now)
    }

    /// A sample of `devices` devices with plausible telemetry; `slower` multiplies latency, `shift` moves predictions.
    static func sample(devices: Int, inferences: UInt64 = 1000, p95: Double = 10_000, predictions: [UInt64] = [500, 300, 200],
                       confidence: [UInt64] = [0, 0, 0, 0, 0, 0, 0, 100, 200, 700], succeeded: Int = 0, failed: Int = 0,
                       reporting: Int? = nil, prefix: String = "dev") -> RolloutGateSample {
        var perDevice: [String: Double] = [:]
        var perDevicePredictions: [String: [UInt64]] = [:]
        for index in 0..<(reporting ?? devices) {
            perDevice["\(prefix)-\(index)"] = p95
            perDevicePredictions["\(prefix)-\(index)"] = predictions
        }
        return RolloutGateSample(devices: devices, reportingDevices: reporting ?? devices, inferences: inferences, errors: 0, latencyP95Micros: p95,
                                 predictions: predictions, confidence: confidence, installsSucceeded: succeeded, installsFailed: failed,
                                 maximumTemperatureCelsius: 60, deviceLatencyP95Micros: perDevice,
                                 devicePredictions: perDevicePredictions)
    }
}
