import Drift
import FleetProtocol

/// The learning loop's ports on the assembled collector: drift reports and devices from the store, capture commands
/// through the distribution service, snapshots through the dataset service, jobs through the training service (whose
/// jobs end in the blessing gate), rollouts through the rollout engine.
struct CollectorLearningLoopPorts: LearningLoopPorts {
    let store: any CollectorStore
    let distribution: DistributionService
    let rollouts: RolloutEngine
    let datasets: DatasetService
    let training: TrainingService
    let clock: any WallClock

    /// Only a changed world starts a cycle: alarmed features attributed to a cohort (its members) or to the whole
    /// fleet (every device reporting the model). Single-device anomalies are broken or miscalibrated sensors, work
    /// for maintenance rather than training data, so they raise alarms but never a cycle (`alarmed` stays false).
    func newestDrift(model: String) async throws(CollectorError) -> LearningLoop.Input? {
        guard let report = try await store.driftReports(model: model, digest: nil, limit: 1).first else { return nil }
        let alarmed = Set(report.alarms)
        var cohorts = Set<Cohort>()
        var fleetWide = false
        for feature in report.attribution.features where alarmed.contains(feature.feature) {
            switch feature.kind {
            case .cohortDrift: cohorts.formUnion(feature.driftingCohorts.filter { $0.key != "version" })
            case .fleetWide: fleetWide = true
            default: break
            }
        }
        var devices = Set<String>()
        if fleetWide || !cohorts.isEmpty {
            for device in try await store.devices(DeviceFilter(model: model)) where report.attribution.devices[device.id] != nil {
                let own = DriftMonitor.cohorts(of: device, version: report.version)
                if fleetWide || cohorts.contains(where: { own[$0.key] == $0.value }) { devices.insert(device.id) }
            }
        }
        let described = fleetWide ? ["fleet"] : cohorts.sorted().map(\.description)
        return .drift(reportID: report.id, alarmed: !devices.isEmpty, cohorts: described, devices: devices.sorted())
    }

    func requestCapture(devices: [String], _ request: CaptureRequest, cause: [String: String]) async throws(CollectorError) {
        let delivered = await distribution.requestCapture(request, devices: devices)
        guard delivered > 0 || devices.isEmpty else {
            throw CollectorError(.io, "no capture request reached the broker (\(devices.count) devices); is the broker up?")
        }
    }

    func labelledSamples(model: String, devices: [String], since: Int64) async throws(CollectorError) -> Int {
        try await store.labelCount(model: model, devices: devices, since: since)
    }

    /// Every labelled sample of the model: the imported training data and every labelled capture, the cohort's new
    /// ones among them. Retraining on all of it, not on the cohort alone, is what keeps the candidate from forgetting
    /// the rest of the fleet (the gate checks that on the champion's own evaluation data).
    func takeSnapshot(model: String, devices: [String], since: Int64, cause: [String: String]) async throws(CollectorError) -> (id: String, samples: Int) {
        let snapshot = try await datasets.createSnapshot(SnapshotFilter(model: model), by: "learning-loop", cause: Self.describe(cause))
        return (snapshot.id, snapshot.members.count)
    }

    /// An MLP job (the loop retrains tabular models from scratch), seeded, so the same snapshot gives the same model.
    func enqueueTraining(model: String, snapshot: String, cause: [String: String]) async throws(CollectorError) -> String {
        let job = try await training.enqueue(snapshotID: snapshot, kind: .mlp, options: TrainingJobOptions(seed: 0), by: "learning-loop",
                                             cause: Self.describe(cause))
        return "\(job.id)"
    }

    /// A finished job names its registered release; the gate's newest evaluation of it says blessed or not and why.
    func job(_ id: String) async throws(CollectorError) -> LearningLoop.JobProgress {
        guard let number = Int64(id) else { return .failed("job \(id) is not a training job id") }
        let job = try await training.job(id: number)
        switch job.state {
        case .queued, .running, .cancelling: return .pending
        case .failed: return .failed(job.message ?? "the job failed")
        case .cancelled: return .failed("cancelled: \(job.message ?? "")")
        case .succeeded:
            guard let release = job.result.flatMap(UInt64.init) else { return .failed("the job succeeded without a registered version") }
            guard let evaluation = try await store.evaluations(model: job.model, release: release).first else { return .pending }
            return .succeeded(release: release, blessed: evaluation.blessed, reasons: evaluation.reasons)
        }
    }

    /// The chain as one line for the dataset and training records' `cause`.
    static func describe(_ cause: [String: String]) -> String {
        "learning-loop " + cause.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// A staged rollout of the candidate to every firmware profile that reports the model now (the engine leaves
    /// out devices the bundle does not fit), under the configured default strategy.
    func startRollout(model: String, release: UInt64, gates: RolloutGatePolicy?, cause: [String: String]) async throws(CollectorError) -> String {
        let profiles = Set(try await store.devices(DeviceFilter(model: model)).compactMap(\.profile)).sorted()
        guard !profiles.isEmpty else { throw CollectorError(.invalidRequest, "no device reports \(model): nothing to roll out to") }
        var strategy = rollouts.settings.strategy
        if let gates { strategy.gates = gates }
        let record = try await rollouts.create(RolloutRequest(model: model, version: "\(release)", target: RolloutTarget(profiles: profiles),
                                                              strategy: strategy, createdBy: "learning-loop cycle \(cause["cycle"] ?? "?")"))
        return record.id
    }

    func rollout(_ id: String) async throws(CollectorError) -> LearningLoop.RolloutProgress {
        guard let record = try await store.rollout(id: id) else { return .aborted("rollout \(id) is not stored") }
        switch record.status {
        case .running, .paused: return .running
        case .completed: return .completed
        case .rollingBack, .rolledBack: return .aborted(record.decisions.last { $0.kind == "aborted" }?.reason ?? record.decisions.last?.reason ?? "aborted")
        }
    }

    func registeredModels() async throws(CollectorError) -> [String] {
        try await store.models().map(\.name)
    }

    func reportingDevices(model: String) async throws(CollectorError) -> [String] {
        try await store.devices(DeviceFilter(model: model)).map(\.id)
    }

    func record(_ event: CollectorEvent) async throws(CollectorError) {
        try await store.record(event, at: clock.now())
    }
}
