import Bundles
import FleetProtocol
import Logging
import Metrics
import MQTT
import ServiceLifecycle

/// Over-the-air updates: assignment → download → verify → install → health check → (shadow) → switch →
/// probation → commit, or rollback; every phase persisted in `update.json` and reported before it is acted on.
///
/// The decisions are ``UpdateStateMachine``'s (pure, tested in process); this actor performs its actions with
/// the I/O parts — ``ChunkDownloader``, ``BundleInstaller``, ``ShadowComparator``, the switchboard — and
/// persists each step before acting on it. An actor: commands arrive on the dispatch task, the pipeline runs
/// in one task at a time, both touch the same state. Long synchronous work (verification, health checks) runs
/// on dedicated threads. A restart resumes the persisted phase (``UpdateRecovery`` has already settled what had
/// to happen before the model was loaded).
actor UpdateService: Service {
    struct Dependencies: Sendable {
        var slots: SlotStore
        var profile: FirmwareProfile
        var settings: UpdateSettings
        var switchboard: ModelSwitchboard
        var board: StatisticsBoard
        var outbox: Outbox
        var client: MQTTClient
        var chunks: ChunkInbox
        var fault: FaultInjection
        var logger: Logger
    }

    /// `command.rejected` events (and warnings) per minute at most; the counter counts every rejection.
    static let rejectionEventsPerMinute = 5

    private let dependencies: Dependencies
    /// Where `capture` commands go (nil when capture is off).
    private let captureOverride: CaptureOverride?
    private var trust: TrustStore
    private var resumable: UpdateRecord?
    private var record: UpdateRecord?
    /// Set by a `rollback` command during probation; the probation watch ends as failed and rolls back.
    private var rollbackRequested = false
    private var pipeline: Task<Void, Never>?
    /// The model that served before the switch, kept until commit so a rollback is instant.
    private var previousModel: ModelHandle?
    private var rejections = RateLimiter(limit: rejectionEventsPerMinute, per: .seconds(60))
    private let downloader: ChunkDownloader
    private let installer: BundleInstaller
    private let comparator: ShadowComparator
    private let commands: AsyncStream<[UInt8]>
    private let commandInput: AsyncStream<[UInt8]>.Continuation

    init(dependencies: Dependencies, trust: TrustStore, resume: UpdateRecord?, captureOverride: CaptureOverride? = nil) {
        self.captureOverride = captureOverride
        self.dependencies = dependencies
        self.trust = trust
        self.resumable = resume.flatMap { $0.phase.isTerminal ? nil : $0 }
        downloader = ChunkDownloader(slots: dependencies.slots, chunks: dependencies.chunks, outbox: dependencies.outbox,
                                     client: dependencies.client,
                                     chunkTimeout: .milliseconds(Int64(dependencies.settings.chunkTimeoutSeconds * 1000)),
                                     limits: dependencies.settings.downloadLimits,
                                     fault: dependencies.fault, logger: dependencies.logger, throttle: LogThrottle(limit: 1, per: .seconds(60)))
        installer = BundleInstaller(slots: dependencies.slots)
        comparator = ShadowComparator(switchboard: dependencies.switchboard, board: dependencies.board)
        (commands, commandInput) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(16))
    }

    /// A command from the `cmd` topic (dispatch task).
    ///
    /// Past the buffer (16 waiting) the oldest waiting command is dropped and counted as rejected (`overflow`).
    nonisolated func receive(command payload: [UInt8]) {
        if case .dropped = commandInput.yield(payload) {
            Counter(label: "edge_agent_commands_rejected_total", dimensions: [("reason", CommandRejection.Code.overflow.rawValue)]).increment()
        }
    }

    /// A chunk from `bundle/<digest>/<index>` (dispatch task).
    nonisolated func receive(chunk bytes: [UInt8], digest: String, index: Int) {
        dependencies.chunks.deliver(digest: digest, index: index, bytes: bytes)
    }

    func run() async throws {
        if let resumable {
            self.resumable = nil
            dependencies.logger.info("resuming the interrupted update", metadata: [
                "assignment": "\(resumable.assignment.assignmentID)", "phase": "\(resumable.phase.rawValue)",
            ])
            start(UpdateStateMachine(record: resumable, maxAttempts: dependencies.settings.maxAttempts))
        }
        let input = commandInput
        await withGracefulShutdownHandler {
            for await payload in commands { await handle(payload) }
        } onGracefulShutdown: {
            input.finish()
        }
        pipeline?.cancel()
        await pipeline?.value
        if var record, record.phase == .probation {
            // A clean stop is not evidence against the candidate: resume probation at the next start.
            record.interrupted = true
            try? dependencies.slots.writeUpdate(record)
        }
    }

    // MARK: Commands

    private func handle(_ payload: [UInt8]) async {
        let command: Command
        do throws(FleetProtocolError) { command = try FleetCodec.decode(Command.self, from: payload) } catch {
            reject(id: nil, CommandRejection(error.code == .unsupportedVersion ? .unsupportedVersion : .invalidMessage, error.message))
            return
        }
        switch command.type {
        case .assign:
            guard let assignment = command.assignment else {
                reject(id: command.id, CommandRejection(.invalidMessage, "an assign command needs an assignment"))
                return
            }
            await assign(assignment, commandID: command.id)
        case .cancel:
            do throws(CommandRejection) {
                guard try UpdateStateMachine.cancellable(record) else { return }
            } catch {
                reject(id: command.id, error)
                return
            }
            await abandonCurrent(reason: "cancelled by command \(command.id.networkText())")
        case .trust:
            acceptTrust(command)
        case .capture:
            raiseCapture(command)
        case .rollback:
            guard let assignment = command.assignment else {
                reject(id: command.id, CommandRejection(.invalidMessage, "a rollback command needs the assignment to return to"))
                return
            }
            await rollBack(to: assignment, commandID: command.id)
        }
    }

    /// The collector's rollout rolls this device back to `target` (its champion).
    ///
    /// In probation the previous version is still in its slot and in memory: probation ends as failed and the usual
    /// rollback switches back at once. Before the switch the update is abandoned (as an assignment of the serving
    /// version would). After a commit the previous slot is gone and the floor raised, so the champion is assigned
    /// like any version (and refused below the anti-rollback floor).
    private func rollBack(to target: Assignment, commandID: String) async {
        if let record, !record.phase.isTerminal, record.assignment.digest != target.digest, record.phase == .probation {
            rollbackRequested = true
            return
        }
        if dependencies.switchboard.serving.digest == target.digest, record.map({ $0.phase.isTerminal }) ?? true { return }
        await assign(target, commandID: commandID)
    }

    private func assign(_ assignment: Assignment, commandID: String) async {
        let serving = dependencies.switchboard.serving
        let plan = UpdateStateMachine.plan(assign: assignment, current: record, servingDigest: serving.digest,
                                           maximumSize: dependencies.settings.maxBundleBytes)
        if plan.abandonCurrent { await abandonCurrent(reason: "superseded by assignment \(assignment.assignmentID)") }
        switch plan.result {
        case .ignore:
            return
        case .reject(let rejection):
            reject(id: commandID, rejection)
        case .start:
            let (machine, step) = UpdateStateMachine.start(assignment, servingDigest: serving.digest,
                                                           maxAttempts: dependencies.settings.maxAttempts, now: SystemProbe.nowMilliseconds())
            start(machine, first: step)
        }
    }

    private func raiseCapture(_ command: Command) {
        guard let request = command.capture else {
            reject(id: command.id, CommandRejection(.invalidMessage, "a capture command needs capture"))
            return
        }
        do throws(FleetProtocolError) { try request.validate() } catch {
            reject(id: command.id, CommandRejection(.invalidMessage, error.message))
            return
        }
        guard let captureOverride else {
            reject(id: command.id, CommandRejection(.invalidMessage, "capture is disabled in this agent's configuration (capture.enabled)"))
            return
        }
        captureOverride.raise(request, now: ConditionLock.now())
        dependencies.outbox.event(DeviceEvent(name: .captureRaised, details: [
            "command": command.id.networkText(), "randomRate": "\(request.randomRate)", "maxPerHour": "\(request.maxPerHour)",
            "durationSeconds": "\(request.durationSeconds)",
        ]))
    }

    private func acceptTrust(_ command: Command) {
        guard let bytes = command.trustFile?.bytes else {
            reject(id: command.id, CommandRejection(.invalidMessage, "a trust command needs trustFile"))
            return
        }
        do {
            let file = try TrustFile(parsing: bytes)
            var updated = trust
            try updated.accept(file, at: .systemClock())
            try dependencies.slots.saveTrust(file)
            trust = updated
            dependencies.outbox.event(DeviceEvent(name: .trustUpdated, details: ["version": "\(file.document.version)"]))
        } catch let error as BundleError {
            reject(id: command.id, CommandRejection(.trustRefused, "\(error.code.rawValue): \(error.message)"))
        } catch {
            reject(id: command.id, CommandRejection(.io, "\(error)"))
        }
    }

    /// Counts a rejected command by reason; at most ``rejectionEventsPerMinute`` a minute are also logged and
    /// reported as `command.rejected` events, with the sender's strings truncated (a peer can send any number).
    private func reject(id: String?, _ rejection: CommandRejection) {
        Counter(label: "edge_agent_commands_rejected_total", dimensions: [("reason", rejection.code.rawValue)]).increment()
        guard case .admitted(let suppressed) = rejections.admit(at: .now) else { return }
        let command = id.map { $0.networkText() }
        let shown = ErrorInfo(code: rejection.code.rawValue, message: rejection.message.networkText(limit: 2 * String.networkTextLimit))
        var details: [String: String] = command.map { ["command": $0] } ?? [:]
        var metadata: Logger.Metadata = ["command": "\(command ?? "?")", "error": "\(shown.message)"]
        if suppressed > 0 {
            details["suppressed"] = "\(suppressed)"
            metadata["suppressed"] = "\(suppressed)"
        }
        dependencies.logger.warning("command rejected", metadata: metadata)
        dependencies.outbox.event(DeviceEvent(name: .commandRejected, error: shown, details: details))
    }

    private func abandonCurrent(reason: String) async {
        pipeline?.cancel()
        await pipeline?.value
        pipeline = nil
        guard let current = record, !current.phase.isTerminal else { return }
        if let shadow = dependencies.switchboard.shadow, shadow.digest == current.assignment.digest {
            _ = await dependencies.switchboard.setShadow(nil)
        }
        var machine = UpdateStateMachine(record: current, maxAttempts: dependencies.settings.maxAttempts)
        do {
            guard let step = try machine.cancel(reason: reason, now: SystemProbe.nowMilliseconds()) else { return }
            try await apply(step)
        } catch {
            dependencies.logger.error("cannot end the update", metadata: ["error": "\(error)"])
        }
    }

    private func start(_ initial: UpdateStateMachine, first: UpdateStateMachine.Step? = nil) {
        record = initial.record
        pipeline = Task {
            var machine = initial
            do {
                if let first { try await apply(first) }
                try await execute(&machine)
            } catch is CancellationError {
                dependencies.logger.info("update paused; it resumes at the next start", metadata: ["phase": "\(machine.record.phase.rawValue)"])
            } catch {
                dependencies.logger.error("update stopped", metadata: ["phase": "\(machine.record.phase.rawValue)", "error": "\(error)"])
            }
        }
    }

    // MARK: The pipeline

    /// Performs the machine's action for each phase and applies the outcome, until the update ends.
    private func execute(_ machine: inout UpdateStateMachine) async throws {
        var candidate: ModelHandle?
        while !machine.isFinished {
            try Task.checkCancellation()
            let assignment = machine.record.assignment
            let outcome: UpdateStateMachine.Outcome
            switch machine.action {
            case .download:
                outcome = try await downloader.download(assignment)
            case .verify:
                outcome = try await verify(assignment)
            case .install:
                try installer.install(assignment.digest)
                outcome = .installed
            case .healthCheck:
                let (model, checked) = try await healthCheck(assignment.digest)
                candidate = model
                outcome = checked
            case .shadow(let seconds):
                guard let model = try await reloaded(&candidate, &machine) else { continue }
                outcome = try await comparator.compare(model, seconds: seconds)
            case .switchModels:
                guard let model = try await reloaded(&candidate, &machine) else { continue }
                let pause = try await switchTo(machine.record, model)
                candidate = nil
                outcome = .switched(pauseMicros: HealthCheck.micros(pause))
            case .probation(let seconds):
                outcome = try await probation(seconds: seconds ?? dependencies.settings.probationSeconds)
            case .commit:
                try installer.commit(assignment.digest, releaseCounter: machine.record.target.releaseCounter)
                previousModel = nil
                outcome = .committed
            case .rollBack:
                try await rollBack(machine.record)
                outcome = .rolledBack
            case .none:
                continue
            }
            try await apply(try machine.handle(outcome, now: SystemProbe.nowMilliseconds()))
        }
        self.record = machine.record
    }

    /// After a restart in `shadow` or `switching` the candidate is loaded (and checked) again; nil when that
    /// failed (the update failed; the step was applied).
    private func reloaded(_ candidate: inout ModelHandle?, _ machine: inout UpdateStateMachine) async throws -> ModelHandle? {
        if let candidate { return candidate }
        let (model, outcome) = try await healthCheck(machine.record.assignment.digest)
        guard let model, case .healthy(let target, _) = outcome else {
            try await apply(try machine.handle(outcome, now: SystemProbe.nowMilliseconds()))
            return nil
        }
        machine.candidateReloaded(target: target)
        candidate = model
        return model
    }

    /// Persists the step, reports it, and only then lets the pipeline act on its phase.
    private func apply(_ step: UpdateStateMachine.Step) async throws {
        let record = step.record
        let phase = record.phase
        try dependencies.slots.writeUpdate(record)
        self.record = record
        let progress = UpdateProgress(
            assignmentID: record.assignment.assignmentID, phase: phase,
            previousPhase: step.previousPhase == phase ? nil : step.previousPhase,
            target: record.target, serving: dependencies.switchboard.serving,
            bytesReceived: step.bytesReceived, agreementRate: step.agreementRate,
            switchPauseMicros: step.switchPauseMicros, healthLatencyMicros: step.healthLatencyMicros)
        dependencies.outbox.event(DeviceEvent(name: .updatePhase, update: progress, error: record.error))
        Counter(label: "edge_agent_update_phases_total", dimensions: [("phase", phase.rawValue)]).increment()
        var metadata: Logger.Metadata = ["assignment": "\(record.assignment.assignmentID)", "phase": "\(phase.rawValue)"]
        if let error = step.error { metadata["error"] = "\(error)" }
        if let pause = step.switchPauseMicros { metadata["switch-pause-us"] = "\(pause)" }
        if let latency = step.healthLatencyMicros { metadata["health-latency-us"] = "\(latency)" }
        dependencies.logger.info("update phase", metadata: metadata)
        if let error = step.error, error.code == .digestMismatch, phase == .downloading {
            dependencies.logger.warning("downloaded bundle is damaged; downloading again", metadata: ["error": "\(error)"])
        }
        try await dependencies.fault.hold(at: phase)
        if step.removeCandidateFiles { installer.removeCandidateFiles(record.assignment.digest) }
    }

    // MARK: Phases

    /// Full verification of the downloaded file.
    private func verify(_ assignment: Assignment) async throws -> UpdateStateMachine.Outcome {
        let path = dependencies.slots.downloadPath(assignment.digest)
        let verifier = try newBundleVerifier()
        let outcome = await DedicatedThread.compute(name: "verify") { () -> Result<BundleManifest, UpdateError> in
            guard let bytes = try? DurableFiles.read(path) else { return .failure(UpdateError(.verification, "the download vanished")) }
            do throws(BundleError) { return .success(try verifier.verify(bytes).manifest) } catch {
                return .failure(UpdateError(.verification, "\(error.code.rawValue): \(error.message)"))
            }
        }
        switch outcome {
        case .failure(let error):
            return DurableFiles.exists(path) ? .refused(error) : .downloadVanished(error)
        case .success(let manifest):
            return .verified(name: manifest.name, version: manifest.version, releaseCounter: manifest.releaseCounter)
        }
    }

    /// Loads the candidate from its slot and checks it: the model and `.healthy`, or nil and `.unhealthy`.
    private func healthCheck(_ digest: String) async throws -> (ModelHandle?, UpdateStateMachine.Outcome) {
        let path = dependencies.slots.slotPath(digest)
        let verifier = try newBundleVerifier()
        let profile = dependencies.profile
        let settings = dependencies.settings
        let outcome = await DedicatedThread.compute(name: "health-check") { () -> Result<(ModelHandle, HealthReport), ModelError> in
            do throws(ModelError) {
                let model = try ModelLoader.load(path: path, expectedDigest: digest, verifier: verifier)
                let budget = settings.latencyBudget(profile: profile, macs: model.interpreter.macs)
                let report = HealthCheck.run(model, profile: profile, latencyBudget: budget, residentBytes: SystemProbe.residentBytes())
                return .success((ModelHandle(model: model), report))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .failure(let error):
            return (nil, .unhealthy(UpdateError(.healthCheck, "the candidate cannot be loaded from its slot: \(error)")))
        case .success(let (model, report)):
            guard report.passed else { return (nil, .unhealthy(UpdateError(.healthCheck, report.failures.joined(separator: "; ")))) }
            return (model, .healthy(target: model.model.reference, latencyMicros: report.medianLatencyMicros))
        }
    }

    /// Points `active` at the candidate (durably), then switches the loop between two inferences.
    private func switchTo(_ record: UpdateRecord, _ model: ModelHandle) async throws -> Duration {
        try installer.activate(record.assignment.digest, previous: record.previousDigest)
        let statistics = IntervalStatistics(model: model.model, startedAt: SystemProbe.nowMilliseconds(), started: .now)
        let result = await dependencies.switchboard.promote(model, statistics: statistics)
        if result.stopped { throw CancellationError() }
        previousModel = result.previous
        return result.pause
    }

    /// Watches the candidate for `seconds`: `.probationFailed` with the reason to roll back, or `.probationPassed`.
    private func probation(seconds: Double) async throws -> UpdateStateMachine.Outcome {
        let settings = dependencies.settings
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let budget = HealthCheck.micros(settings.latencyBudget(profile: dependencies.profile, macs: dependencies.switchboard.servingMACs))
        rollbackRequested = false
        while true {
            if rollbackRequested {
                rollbackRequested = false
                return .probationFailed(UpdateError(.probation, "rolled back on the collector's request (rollout rollback)"))
            }
            let summary = dependencies.board.probation
            if summary.inferences + summary.errors >= UInt64(settings.minimumProbationSamples) {
                if summary.errorRate > settings.maxErrorRate {
                    return .probationFailed(UpdateError(.probation,
                        "error rate \(summary.errorRate) over \(summary.inferences + summary.errors) inputs is above \(settings.maxErrorRate)"))
                }
                if summary.inferences >= UInt64(settings.minimumProbationSamples), summary.p99Micros > budget {
                    return .probationFailed(UpdateError(.probation, "p99 latency \(summary.p99Micros) µs is above the budget of \(budget) µs"))
                }
            }
            guard ContinuousClock.now < deadline else { return .probationPassed }
            try await Task.sleep(for: min(.milliseconds(250), deadline - .now))
        }
    }

    /// Points `active` back at the previous bundle and switches the loop back to it.
    private func rollBack(_ record: UpdateRecord) async throws {
        guard let previous = record.previousDigest else {
            throw UpdateError(.stopped, "no previous bundle is recorded to roll back to")
        }
        try installer.reactivate(previous)
        if dependencies.switchboard.serving.digest != previous {
            let model: ModelHandle
            if let kept = previousModel {
                model = kept
            } else {
                let path = dependencies.slots.slotPath(previous)
                let verifier = try installedBundleVerifier(path: path)
                let loaded = await DedicatedThread.compute(name: "rollback") { () -> Result<ModelHandle, ModelError> in
                    do throws(ModelError) { return .success(ModelHandle(model: try ModelLoader.load(path: path, expectedDigest: previous, verifier: verifier))) }
                    catch { return .failure(error) }
                }
                model = try loaded.get()
            }
            let statistics = IntervalStatistics(model: model.model, startedAt: SystemProbe.nowMilliseconds(), started: .now)
            let result = await dependencies.switchboard.promote(model, statistics: statistics)
            if result.stopped { throw CancellationError() }
        }
        previousModel = nil
        try installer.forgetCandidate(record.assignment.digest, previous: previous)
    }

    // MARK: Helpers

    /// The verifier for new bundles: the current trust, the system clock, the committed floor, the profile.
    private func newBundleVerifier() throws -> BundleVerifier {
        var verifier = BundleVerifier(trust: trust, time: .systemClock(), floor: try dependencies.slots.floor(), profile: dependencies.profile)
        verifier.requiresUnexpiredTrust = true
        return verifier
    }

    /// The verifier for bundles already installed: see ``UpdateRecovery/installedBundleVerifier``.
    private func installedBundleVerifier(path: String) throws -> BundleVerifier {
        try UpdateRecovery.installedBundleVerifier(path: path, trust: trust, slots: dependencies.slots, profile: dependencies.profile)
    }
}
