import Bundles
import Dispatch
import Foundation
import Gate
import Logging
import ServiceLifecycle
import Synchronization
import TFLite
import Training

/// The training queue: jobs persisted in the store, run with bounded concurrency, each ending as a registered,
/// gate-judged candidate or a failure with a reason (docs/learning.md).
///
/// `enqueue`, `cancel` and `job` are the queue's API (the HTTP handlers and the automatic loop call them), on any
/// collector. Only the leader (``Leadership``: always, with SQLite; the lease holder, with PostgreSQL) runs jobs: when
/// it becomes leader `run()` first recovers jobs a stopped collector left `running` — a job whose version was
/// registered is marked succeeded, any other is queued again, so no version is ever half-registered (registration is
/// one transaction, the last step) — then polls the queue while it leads. Training runs on a dispatch thread, not the cooperative pool; a running job's
/// cancellation takes effect at its next checkpoint (after the trainer returns, before registration).
public final class TrainingService: Service, Sendable {
    let store: any LearningStore & RegistryStore & FleetStore
    let datasets: DatasetService
    let gate: GateService
    let registry: ModelRegistry
    let settings: TrainingSettings
    /// Where external-trainer jobs get their snapshot directories.
    let workDirectory: String
    let clock: any WallClock
    /// Only the leader claims and runs jobs; a collector that takes over recovers what the previous leader left.
    let leadership: any Leadership
    let logger: Logger
    /// How often the queue is read for new jobs and a running job's progress is reported.
    let pollInterval: Duration

    public init(store: any LearningStore & RegistryStore & FleetStore, datasets: DatasetService, gate: GateService, registry: ModelRegistry,
                settings: TrainingSettings, workDirectory: String, clock: any WallClock = SystemWallClock(), pollInterval: Duration = .milliseconds(250),
                leadership: any Leadership = SoleLeadership(), logger: Logger) {
        self.leadership = leadership
        self.store = store
        self.datasets = datasets
        self.gate = gate
        self.registry = registry
        self.settings = settings
        self.workDirectory = workDirectory
        self.clock = clock
        self.pollInterval = pollInterval
        self.logger = logger
    }

    // MARK: The queue's API

    /// Queues a job to train `kind` on a snapshot; returns it with its id (event `training.job.queued`).
    public func enqueue(snapshotID: String, kind: TrainingJobKind, options: TrainingJobOptions = TrainingJobOptions(), by actor: String,
                        cause: String? = nil) async throws(CollectorError) -> TrainingJobRecord {
        let snapshot = try await datasets.snapshot(id: snapshotID)
        guard settings.releaseKey != nil else {
            throw CollectorError(.invalidConfiguration,
                "training.releaseKey is not configured: the collector needs an online release key directory to sign the bundles it trains (docs/trust-chain.md)")
        }
        if kind == .external, settings.externalTrainer == nil {
            throw CollectorError(.invalidConfiguration, "an external job needs training.externalTrainer (a command) in the collector's configuration")
        }
        let optionsJSON: String
        do {
            try options.configuration(task: kind == .autoencoder ? .autoencoder : .classifier).validate()
            optionsJSON = try SQLiteStore.json(options)
        } catch let error as TrainingError {
            throw CollectorError(.invalidRequest, "options: \(error.message)")
        } catch {
            throw CollectorError(.invalidRequest, "options: \(error)")
        }
        let now = clock.now()
        let job = try await store.insert(TrainingJobRecord(model: snapshot.model, snapshotID: snapshot.id, kind: kind.rawValue, options: optionsJSON,
                                                           createdAt: now, createdBy: actor, cause: cause))
        var details = ["job": "\(job.id)", "snapshot": snapshot.id, "kind": kind.rawValue, "by": actor]
        if let cause { details["cause"] = cause }
        try await store.record(CollectorEvent(name: "training.job.queued", model: snapshot.model, details: details), at: now)
        return job
    }

    /// Cancels a queued job at once, a running one at its next checkpoint; a finished job is a `conflict`.
    public func cancel(jobID: Int64, by actor: String) async throws(CollectorError) -> TrainingJobRecord {
        let now = clock.now()
        if let job = try await store.transition(jobID: jobID, from: [.queued], to: .cancelled, progress: nil, message: "cancelled by \(actor)",
                                                result: nil, at: now) {
            try await store.record(CollectorEvent(name: "training.job.cancelled", model: job.model, details: [
                "job": "\(job.id)", "snapshot": job.snapshotID, "by": actor,
            ]), at: now)
            return job
        }
        if let job = try await store.transition(jobID: jobID, from: [.running], to: .cancelling, progress: nil,
                                                message: "cancellation asked by \(actor)", result: nil, at: now) {
            return job
        }
        let job = try await self.job(id: jobID)
        if job.state == .cancelling { return job }
        throw CollectorError(.conflict, "training job \(jobID) already ended (\(job.state.rawValue)); nothing to cancel")
    }

    /// A job by id, or `notFound`.
    public func job(id: Int64) async throws(CollectorError) -> TrainingJobRecord {
        guard let job = try await store.job(id: id) else { throw CollectorError(.notFound, "no training job \(id)") }
        return job
    }

    // MARK: Running

    public func run() async throws {
        let active = RunningJobs()
        // Whether this collector led at the previous poll: becoming leader (at start, or taking over) recovers first.
        var leading = false
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                // The term this poll works in: recovery, claims and the jobs claimed now write only while it holds.
                let fence = leadership.fence
                if !leadership.isLeader {
                    leading = false
                } else if !leading {
                    do throws(CollectorError) {
                        try await Self.under(fence) { () async throws(CollectorError) in try await recover(skipping: active) }
                        leading = true
                    } catch {
                        logger.warning("recovering training jobs failed; retrying at the next poll", metadata: ["error": "\(error.message)"])
                    }
                }
                let free = settings.maxConcurrentJobs - active.count
                if leading, free > 0, let queued = try? await store.jobs(model: nil, states: [.queued], limit: 1000) {
                    for job in queued.reversed().prefix(free) {
                        guard let claimed = try? await Self.under(fence, { () async throws(CollectorError) in
                            try await store.transition(jobID: job.id, from: [.queued], to: .running, progress: 0, message: "started", result: nil,
                                                       at: clock.now())
                        }) else { continue }
                        active.insert(claimed.id)
                        group.addTask {
                            // Bound inside the child: a task-local bound around `addTask` would outlive its scope.
                            // The job's writes (progress, registration, outcome) are refused once the lease moved on.
                            await LeaderFence.$current.withValue(fence) { await self.execute(claimed) }
                            active.remove(claimed.id)
                        }
                    }
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.pollInterval) }
            }
        }
    }

    /// Jobs a stopped collector (or the previous leader) left running: succeeded when their version was registered,
    /// else queued again. Jobs this collector is running itself (it led before, lost the lease, and leads again) are
    /// left alone.
    func recover(skipping active: RunningJobs = RunningJobs()) async throws(CollectorError) {
        let now = clock.now()
        for job in try await store.jobs(model: nil, states: [.running, .cancelling], limit: 10_000) where !active.contains(job.id) {
            let registered = try await store.versions(model: job.model).first { $0.source == Self.source(job.id) }
            if let registered {
                _ = try await store.transition(jobID: job.id, from: [.running, .cancelling], to: .succeeded, progress: 1,
                                               message: "release \(registered.release) was registered before the collector stopped",
                                               result: "\(registered.release)", at: now)
            } else if job.state == .cancelling {
                _ = try await store.transition(jobID: job.id, from: [.cancelling], to: .cancelled, progress: nil,
                                               message: "cancelled (the collector stopped before the job ended)", result: nil, at: now)
            } else {
                _ = try await store.transition(jobID: job.id, from: [.running], to: .queued, progress: 0,
                                               message: "queued again: the collector stopped while the job ran; nothing was registered", result: nil, at: now)
                try await store.record(CollectorEvent(name: "training.job.queued", model: job.model, details: [
                    "job": "\(job.id)", "snapshot": job.snapshotID, "kind": job.kind, "restarted": "true",
                ]), at: now)
            }
            logger.notice("recovered a training job left running", metadata: ["job": "\(job.id)", "model": "\(job.model)"])
        }
    }

    /// Runs `body` with `fence` bound (``LeaderFence``): on PostgreSQL its writes are refused once the lease moved on.
    static func under<T>(_ fence: LeaderFence?, _ body: () async throws(CollectorError) -> T) async throws(CollectorError) -> T {
        let result: Result<T, CollectorError> = await LeaderFence.$current.withValue(fence) {
            do throws(CollectorError) { return .success(try await body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The `source` a job's registered version carries (how recovery finds it).
    static func source(_ jobID: Int64) -> String { "training-job:\(jobID)" }

    func execute(_ job: TrainingJobRecord) async {
        do {
            try await store.record(CollectorEvent(name: "training.job.started", model: job.model, details: [
                "job": "\(job.id)", "snapshot": job.snapshotID, "kind": job.kind,
            ]), at: clock.now())
            try await train(job)
        } catch {
            let message = error.message
            let now = clock.now()
            _ = try? await store.transition(jobID: job.id, from: [.running, .cancelling], to: .failed, progress: nil, message: message,
                                            result: nil, at: now)
            try? await store.record(CollectorEvent(name: "training.job.failed", model: job.model, details: [
                "job": "\(job.id)", "snapshot": job.snapshotID, "error": String(message.prefix(2000)),
            ]), at: now)
            logger.warning("a training job failed", metadata: ["job": "\(job.id)", "model": "\(job.model)", "error": "\(message)"])
        }
    }

    func train(_ job: TrainingJobRecord) async throws(CollectorError) {
        guard let kind = TrainingJobKind(rawValue: job.kind) else { throw CollectorError(.invalidRequest, "unknown job kind \(job.kind)") }
        let options: TrainingJobOptions
        do { options = try JSONDecoder().decode(TrainingJobOptions.self, from: Data(job.options.utf8)) } catch {
            throw CollectorError(.invalidRequest, "the job's options are unreadable: \(error)")
        }
        let snapshot = try await datasets.snapshot(id: job.snapshotID)
        let train = try await datasets.dataset(snapshot, split: .train)
        let validation = try await datasets.dataset(snapshot, split: .validation)
        guard train.rowCount >= DatasetService.minimumSnapshotSamples else {
            throw CollectorError(.invalidRequest, "the snapshot's train split has \(train.rowCount) samples; training needs at least \(DatasetService.minimumSnapshotSamples)")
        }
        guard kind == .autoencoder || Set(train.labels).count >= 2 else {
            throw CollectorError(.invalidRequest, "the snapshot's train split has one class only (\(train.classNames.first ?? "")): a classifier needs two")
        }

        let modelBytes: [UInt8]
        var floatReference = FloatReference.recomputed
        var metrics: [String: Double] = ["trainRows": Double(train.rowCount), "validationRows": Double(validation.rowCount)]
        switch kind {
        case .mlp, .autoencoder:
            let configuration = options.configuration(task: kind == .autoencoder ? .autoencoder : .classifier)
            let outcome = try await runTrainer(job, train: train, configuration: configuration)
            modelBytes = outcome.modelBytes
            if kind == .mlp { floatReference = .trained(outcome.training.model) }
            metrics["epochs"] = Double(outcome.training.history.count)
        case .external:
            modelBytes = try await runExternal(job, snapshot: snapshot)
            _ = try CandidateBundle.parse(modelBytes)
        case .head:
            let outcome = try await retrainHead(job, options: options, train: train)
            modelBytes = outcome.model.serialized()
            metrics["epochs"] = Double(outcome.training.history.count)
        }

        if try await store.job(id: job.id)?.state == .cancelling {
            let now = clock.now()
            _ = try await store.transition(jobID: job.id, from: [.cancelling], to: .cancelled, progress: nil, message: "cancelled before registration",
                                           result: nil, at: now)
            try await store.record(CollectorEvent(name: "training.job.cancelled", model: job.model, details: [
                "job": "\(job.id)", "snapshot": job.snapshotID,
            ]), at: now)
            return
        }

        guard let keyDirectory = settings.releaseKey else {
            throw CollectorError(.invalidConfiguration, "training.releaseKey is not configured")
        }
        let versions = try await store.versions(model: job.model)
        let release = (versions.map(\.release).max() ?? 0) + 1
        let parent = (versions.first { $0.aliases.contains("champion") } ?? versions.first { $0.blessed })?.version
        let now = clock.now()
        let signingKey: SigningKey
        do { signingKey = try KeyDirectory(path: keyDirectory).signingKey(now: now / 1000) } catch {
            throw CollectorError(.invalidConfiguration, "training.releaseKey \(keyDirectory): \(error.message)")
        }
        let bundle = try CandidateBundle.build(modelBytes: modelBytes, model: job.model, release: release, parentVersion: parent, snapshot: snapshot,
                                               train: train, validation: validation, jobID: job.id, metrics: metrics, signingKey: signingKey, now: now)
        let version = try await registry.register(bundle: bundle, createdBy: Self.source(job.id), source: Self.source(job.id))
        try await store.record(CollectorEvent(name: "model.candidate.registered", model: job.model, details: [
            "job": "\(job.id)", "snapshot": snapshot.id, "release": "\(version.release)", "version": version.version, "digest": version.digest,
        ]), at: clock.now())

        var message = "release \(version.release) registered"
        var details = ["job": "\(job.id)", "snapshot": snapshot.id, "release": "\(version.release)"]
        do {
            let (record, report) = try await gate.evaluate(model: job.model, release: version.release, snapshotID: snapshot.id,
                                                           floatReference: floatReference, by: "training-service", cause: "job:\(job.id)")
            details["evaluation"] = "\(record.id)"
            details["blessed"] = "\(report.blessed)"
            message += report.blessed ? "; blessed by the gate" : "; refused by the gate: \(report.reasons.joined(separator: "; "))"
        } catch {
            details["blessed"] = "false"
            message += "; the gate could not judge it: \(error.message)"
        }
        let finished = clock.now()
        _ = try await store.transition(jobID: job.id, from: [.running, .cancelling], to: .succeeded, progress: 1, message: message,
                                       result: "\(version.release)", at: finished)
        try await store.record(CollectorEvent(name: "training.job.succeeded", model: job.model, details: details), at: finished)
    }

    /// A `head` job: the backbone's model from its bundle, the snapshot's rows as the backbone input's real values
    /// (int8 captures dequantised with the input's scale and zero point), a new head trained and spliced on.
    func retrainHead(_ job: TrainingJobRecord, options: TrainingJobOptions, train: Dataset) async throws(CollectorError) -> TrainingOutcome {
        guard let selector = options.embeddingTensor, !selector.isEmpty else {
            throw CollectorError(.invalidRequest, "a head job needs options.embeddingTensor: the backbone's embedding (a tensor name or index; edgectl inspect --tensors)")
        }
        let versions = try await store.versions(model: job.model)
        let backboneVersion = options.backboneRelease.flatMap { release in versions.first { $0.release == release } }
            ?? (options.backboneRelease == nil ? versions.first { $0.aliases.contains("champion") } : nil)
        guard let backboneVersion else {
            throw CollectorError(.invalidRequest, options.backboneRelease.map { "\(job.model) has no release \($0) to use as the backbone" }
                                 ?? "\(job.model) has no champion to use as the backbone; give options.backboneRelease")
        }
        let backbone: Model
        do {
            let file = try BundleFile(parsing: try registry.repository.read(backboneVersion.digest))
            let manifest = try file.unverifiedManifest()
            backbone = try Model(bytes: try Zlib.inflate(Array(file.compressedPayload), expectedLength: manifest.payload.length))
        } catch {
            throw CollectorError(.invalidRequest, "the backbone (release \(backboneVersion.release)) cannot be read: \(error)")
        }
        let retrainer: HeadRetrainer
        do { retrainer = try HeadRetrainer(backbone: backbone, embedding: TensorSelector(selector)) } catch {
            throw CollectorError(.invalidRequest, "options.embeddingTensor \(selector): \(error.message)")
        }
        var rows = train
        if let input = backbone.mainGraph.inputs.first.map({ backbone.mainGraph.tensors[$0] }), input.type == .int8, let q = input.quantization,
           let scale = q.scales.first, let zeroPoint = q.zeroPoints.first, rows.features.allSatisfy({ $0 == $0.rounded() && abs($0) <= 128 }) {
            // Captured int8 inputs arrive as their integer values: the retrainer wants the real values the backbone quantises.
            rows = Dataset(featureNames: train.featureNames, features: train.features.map { scale * ($0 - Float(zeroPoint)) },
                           labels: train.labels, classNames: train.classNames, source: train.source)
        }
        var headConfiguration = options.configuration(task: .classifier)
        headConfiguration.hiddenLayers = []
        let data = rows, configuration = headConfiguration
        let result: Result<TrainingOutcome, TrainingError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(TrainingError) { continuation.resume(returning: .success(try retrainer.retrain(data, configuration: configuration, testEvery: 0))) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let outcome): return outcome
        case .failure(let error): throw CollectorError(.invalidRequest, "head retraining failed: \(error.message)")
        }
    }

    /// Runs the trainer on a dispatch thread while this task reports progress (event `training.job.progress`).
    func runTrainer(_ job: TrainingJobRecord, train: Dataset, configuration: TrainingConfiguration) async throws(CollectorError) -> TrainingOutcome {
        let progress = TrainingProgress()
        let result: Result<TrainingOutcome, TrainingError> = await withTaskGroup(of: Result<TrainingOutcome, TrainingError>?.self) { group in
            group.addTask {
                let outcome: Result<TrainingOutcome, TrainingError> = await withCheckedContinuation { continuation in
                    DispatchQueue.global().async {
                        do throws(TrainingError) {
                            continuation.resume(returning: .success(try TrainingPipeline.run(train, configuration: configuration, testEvery: 0,
                                                                                             progress: { progress.update($0) })))
                        } catch {
                            continuation.resume(returning: .failure(error))
                        }
                    }
                }
                return outcome
            }
            group.addTask {
                var reported = -1
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.pollInterval * 4)
                    guard let report = progress.report, report.epoch != reported else { continue }
                    reported = report.epoch
                    await self.report(job, report)
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(TrainingError(.runtime, "the trainer ended without a result"))
        }
        switch result {
        case .success(let outcome): return outcome
        case .failure(let error):
            throw CollectorError(.invalidRequest, error.code == .diverged
                ? "training diverged (the loss became NaN or infinite): \(error.message); lower options.learningRate or check the snapshot for extreme values"
                : "training failed (\(error.code.rawValue)): \(error.message)")
        }
    }

    func report(_ job: TrainingJobRecord, _ report: EpochReport) async {
        let fraction = min(0.99, Double(report.epoch) / Double(max(1, report.maxEpochs)))
        let line = "epoch \(report.epoch)/\(report.maxEpochs) loss \(report.loss) validation accuracy \(report.validationAccuracy)"
        _ = try? await store.transition(jobID: job.id, from: [.running, .cancelling], to: .running, progress: fraction, message: line, result: nil,
                                        at: clock.now())
        try? await store.record(CollectorEvent(name: "training.job.progress", model: job.model, details: [
            "job": "\(job.id)", "snapshot": job.snapshotID, "epoch": "\(report.epoch)", "maxEpochs": "\(report.maxEpochs)",
            "loss": "\(report.loss)", "progress": "\(fraction)",
        ]), at: clock.now())
    }

    /// Exports the snapshot (train.csv, validation.csv, snapshot.json) and runs the configured command on it.
    func runExternal(_ job: TrainingJobRecord, snapshot: DatasetSnapshot) async throws(CollectorError) -> [UInt8] {
        guard let command = settings.externalTrainer else { throw CollectorError(.invalidConfiguration, "training.externalTrainer is not configured") }
        let directory = "\(workDirectory)/job-\(job.id)"
        let data = "\(directory)/snapshot"
        do {
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            try await datasets.exportCSV(snapshot, split: .train).write(toFile: "\(data)/train.csv", atomically: true, encoding: .utf8)
            try await datasets.exportCSV(snapshot, split: .validation).write(toFile: "\(data)/validation.csv", atomically: true, encoding: .utf8)
            try SQLiteStore.json(SnapshotSummary(snapshot)).write(toFile: "\(data)/snapshot.json", atomically: true, encoding: .utf8)
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.io, "writing the snapshot for the external trainer to \(data) failed: \(error)")
        }
        let bytes = try await ExternalTrainer(command: command, timeoutSeconds: settings.externalTrainerTimeoutSeconds)
            .run(snapshotDirectory: data, output: "\(directory)/model.tflite")
        do { _ = try TFLiteModel(bytes: bytes) } catch {
            throw CollectorError(.invalidRequest, "the external trainer's output (\(bytes.count) bytes) is not a .tflite model: \(error.message)")
        }
        return bytes
    }
}
