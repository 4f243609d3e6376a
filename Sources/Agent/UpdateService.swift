import Bundles
import FleetProtocol
import Logging
import Metrics
import MQTT
import ServiceLifecycle

/// Over-the-air updates: assignment → download → verify → install → health check → (shadow) → switch →
/// probation → commit, or rollback; every phase persisted in `update.json` and reported before it is acted on.
///
/// An actor: commands arrive on the dispatch task, the pipeline runs in one task at a time, both touch the same
/// state. Long synchronous work (verification, health checks) runs on dedicated threads. A restart resumes the
/// persisted phase (``UpdateRecovery`` has already settled what had to happen before the model was loaded).
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

    /// Chunks requested ahead of the one being written.
    static let requestWindow = 4
    /// `command.rejected` events (and warnings) per minute at most; the counter counts every rejection.
    static let rejectionEventsPerMinute = 5

    private let dependencies: Dependencies
    private var trust: TrustStore
    private var resumable: UpdateRecord?
    private var record: UpdateRecord?
    private var pipeline: Task<Void, Never>?
    /// The model that served before the switch, kept until commit so a rollback is instant.
    private var previousModel: ModelHandle?
    private var rejections = RateLimiter(limit: rejectionEventsPerMinute, per: .seconds(60))
    /// Warnings a peer can trigger with chunks, at most once a minute each.
    private let throttle = LogThrottle(limit: 1, per: .seconds(60))
    private let commands: AsyncStream<[UInt8]>
    private let commandInput: AsyncStream<[UInt8]>.Continuation

    init(dependencies: Dependencies, trust: TrustStore, resume: UpdateRecord?) {
        self.dependencies = dependencies
        self.trust = trust
        self.resumable = resume.flatMap { $0.phase.isTerminal ? nil : $0 }
        (commands, commandInput) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(16))
    }

    /// A command from the `cmd` topic (dispatch task).
    ///
    /// Past the buffer (16 waiting) the oldest waiting command is dropped and counted as rejected (`overflow`).
    nonisolated func receive(command payload: [UInt8]) {
        if case .dropped = commandInput.yield(payload) {
            Counter(label: "edge_agent_commands_rejected_total", dimensions: [("reason", "overflow")]).increment()
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
            start(resumable)
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
        do { command = try FleetCodec.decode(Command.self, from: payload) } catch {
            reject(id: nil, ErrorInfo(code: error.code.rawValue, message: error.message))
            return
        }
        switch command.type {
        case .assign:
            guard let assignment = command.assignment else {
                reject(id: command.id, ErrorInfo(code: "invalidMessage", message: "an assign command needs an assignment"))
                return
            }
            await assign(assignment, commandID: command.id)
        case .cancel:
            guard let record, !record.phase.isTerminal else { return }
            guard Self.cancellable(record.phase) else {
                reject(id: command.id, ErrorInfo(code: "tooLate", message: "the update already switched models (\(record.phase.rawValue)); it finishes with commit or rollback"))
                return
            }
            await abandonCurrent(reason: "cancelled by command \(command.id.networkText())")
        case .trust:
            acceptTrust(command)
        }
    }

    private func assign(_ assignment: Assignment, commandID: String) async {
        do { try assignment.validate(maximumSize: dependencies.settings.maxBundleBytes) } catch {
            reject(id: commandID, ErrorInfo(code: UpdateError.Code.invalidAssignment.rawValue, message: error.message))
            return
        }
        if let record, !record.phase.isTerminal {
            if record.assignment.digest == assignment.digest { return }
            guard Self.cancellable(record.phase) else {
                reject(id: commandID, ErrorInfo(code: "busy", message: "update \(record.assignment.assignmentID) is in \(record.phase.rawValue); assign again after it ends"))
                return
            }
            await abandonCurrent(reason: "superseded by assignment \(assignment.assignmentID)")
        }
        let serving = dependencies.switchboard.serving
        guard serving.digest != assignment.digest else {
            reject(id: commandID, ErrorInfo(code: "alreadyServing", message: "bundle \(assignment.digest.prefix(16)) already serves"))
            return
        }
        let target = BundleReference(name: assignment.name, version: assignment.version, digest: assignment.digest, releaseCounter: 0)
        let record = UpdateRecord(assignment: assignment, phase: .downloading, previousDigest: serving.digest, target: target,
                                  updatedAt: SystemProbe.nowMilliseconds())
        start(record, announce: true)
    }

    private func acceptTrust(_ command: Command) {
        guard let bytes = command.trustFile?.bytes else {
            reject(id: command.id, ErrorInfo(code: "invalidMessage", message: "a trust command needs trustFile"))
            return
        }
        do {
            let file = try TrustFile(parsing: bytes)
            var updated = trust
            try updated.accept(file)
            try dependencies.slots.saveTrust(file)
            trust = updated
            dependencies.outbox.event(DeviceEvent(name: .trustUpdated, details: ["version": "\(file.document.version)"]))
        } catch let error as BundleError {
            reject(id: command.id, ErrorInfo(code: error.code.rawValue, message: error.message))
        } catch {
            reject(id: command.id, ErrorInfo(code: "io", message: "\(error)"))
        }
    }

    /// Counts a rejected command by reason; at most ``rejectionEventsPerMinute`` a minute are also logged and
    /// reported as `command.rejected` events, with the sender's strings truncated (a peer can send any number).
    private func reject(id: String?, _ error: ErrorInfo) {
        Counter(label: "edge_agent_commands_rejected_total", dimensions: [("reason", error.code)]).increment()
        guard case .admitted(let suppressed) = rejections.admit(at: .now) else { return }
        let command = id.map { $0.networkText() }
        let shown = ErrorInfo(code: error.code, message: error.message.networkText(limit: 2 * String.networkTextLimit))
        var details: [String: String] = command.map { ["command": $0] } ?? [:]
        var metadata: Logger.Metadata = ["command": "\(command ?? "?")", "error": "\(shown.message)"]
        if suppressed > 0 {
            details["suppressed"] = "\(suppressed)"
            metadata["suppressed"] = "\(suppressed)"
        }
        dependencies.logger.warning("command rejected", metadata: metadata)
        dependencies.outbox.event(DeviceEvent(name: .commandRejected, error: shown, details: details))
    }

    private static func cancellable(_ phase: UpdatePhase) -> Bool {
        [.downloading, .verifying, .installing, .healthCheck, .shadow].contains(phase)
    }

    private func abandonCurrent(reason: String) async {
        pipeline?.cancel()
        await pipeline?.value
        pipeline = nil
        guard var record, !record.phase.isTerminal else { return }
        if let shadow = dependencies.switchboard.shadow, shadow.digest == record.assignment.digest {
            _ = await dependencies.switchboard.setShadow(nil)
        }
        try? await fail(&record, UpdateError(.cancelled, reason))
    }

    private func start(_ initial: UpdateRecord, announce: Bool = false) {
        record = initial
        pipeline = Task {
            var record = initial
            do {
                if announce { try await transition(&record, to: .downloading) }
                try await execute(&record)
            } catch is CancellationError {
                dependencies.logger.info("update paused; it resumes at the next start", metadata: ["phase": "\(record.phase.rawValue)"])
            } catch {
                dependencies.logger.error("update stopped", metadata: ["phase": "\(record.phase.rawValue)", "error": "\(error)"])
            }
        }
    }

    // MARK: The state machine

    private func execute(_ record: inout UpdateRecord) async throws {
        var candidate: ModelHandle?
        var healthLatency: UInt64?
        while !record.phase.isTerminal {
            try Task.checkCancellation()
            switch record.phase {
            case .downloading:
                guard try await download(&record) else { continue }
                try await transition(&record, to: .verifying)
            case .verifying:
                guard try await verify(&record) else { continue }
                try await transition(&record, to: .installing)
            case .installing:
                try install(&record)
                try await transition(&record, to: .healthCheck)
            case .healthCheck:
                guard let (model, latency) = try await healthCheck(&record) else { continue }
                candidate = model
                healthLatency = latency
                let shadowSeconds = record.assignment.shadowSeconds ?? 0
                try await transition(&record, to: shadowSeconds > 0 ? .shadow : .switching, healthLatency: latency)
            case .shadow:
                if candidate == nil { candidate = try await reload(&record) }
                guard let model = candidate, let agreement = try await shadow(&record, model) else { continue }
                try await transition(&record, to: .switching, agreement: agreement)
            case .switching:
                if candidate == nil { candidate = try await reload(&record) }
                guard let model = candidate else { continue }
                let pause = try await switchTo(&record, model)
                candidate = nil
                try await transition(&record, to: .probation, switchPause: pause, healthLatency: healthLatency)
            case .probation:
                if let failure = try await probation(&record) {
                    try await transition(&record, to: .rollingBack, error: failure)
                } else {
                    try await transition(&record, to: .committing)
                }
            case .committing:
                try commit(&record)
                try await transition(&record, to: .committed)
            case .rollingBack:
                try await rollBack(&record)
                try await transition(&record, to: .rolledBack)
            case .committed, .rolledBack, .failed:
                break
            }
        }
        self.record = record
    }

    /// Persists the new phase, reports it, and only then lets the caller act on it.
    private func transition(_ record: inout UpdateRecord, to phase: UpdatePhase, error: UpdateError? = nil,
                            switchPause: Duration? = nil, healthLatency: UInt64? = nil, agreement: Double? = nil) async throws {
        let previous = record.phase
        record.phase = phase
        record.updatedAt = SystemProbe.nowMilliseconds()
        if let error {
            record.error = ErrorInfo(code: error.code.rawValue, message: error.message)
        } else if phase != .rolledBack {
            record.error = nil
        }
        try dependencies.slots.writeUpdate(record)
        self.record = record
        let progress = UpdateProgress(
            assignmentID: record.assignment.assignmentID, phase: phase, previousPhase: previous == phase ? nil : previous,
            target: record.target, serving: dependencies.switchboard.serving,
            bytesReceived: phase == .verifying ? record.assignment.size : nil, agreementRate: agreement,
            switchPauseMicros: switchPause.map(HealthCheck.micros), healthLatencyMicros: healthLatency)
        dependencies.outbox.event(DeviceEvent(name: .updatePhase, update: progress, error: record.error))
        Counter(label: "edge_agent_update_phases_total", dimensions: [("phase", phase.rawValue)]).increment()
        var metadata: Logger.Metadata = ["assignment": "\(record.assignment.assignmentID)", "phase": "\(phase.rawValue)"]
        if let error { metadata["error"] = "\(error)" }
        if let switchPause { metadata["switch-pause-us"] = "\(HealthCheck.micros(switchPause))" }
        if let healthLatency { metadata["health-latency-us"] = "\(healthLatency)" }
        dependencies.logger.info("update phase", metadata: metadata)
        try await dependencies.fault.hold(at: phase)
    }

    /// Ends the update before any switch: the serving model never changed.
    private func fail(_ record: inout UpdateRecord, _ error: UpdateError) async throws {
        try await transition(&record, to: .failed, error: error)
        let digest = record.assignment.digest
        try? DurableFiles.remove(dependencies.slots.downloadPath(digest))
        if (try? dependencies.slots.activeDigest()) != digest { try? dependencies.slots.removeSlot(digest) }
    }

    // MARK: Phases

    /// Fetches missing chunks into `downloads/<digest>.part`; false when the phase changed (failed, retried).
    private func download(_ record: inout UpdateRecord) async throws -> Bool {
        let assignment = record.assignment
        let path = dependencies.slots.downloadPath(assignment.digest)
        let chunkSize = assignment.chunkSize
        // Resume from whole chunks already on disk; a torn last chunk is fetched again.
        var have = min(DurableFiles.size(path) ?? 0, assignment.size)
        have -= have % chunkSize
        if have < assignment.size || (DurableFiles.size(path) ?? 0) != assignment.size {
            try DurableFiles.write([], at: 0, of: path, sync: false)
            try DurableFiles.truncate(path, to: have)
        }
        var written = 0
        var lastRequest: [Int: ContinuousClock.Instant] = [:]
        var misses = 0
        let timeout = Duration.milliseconds(Int64(dependencies.settings.chunkTimeoutSeconds * 1000))
        while have < assignment.size {
            let index = have / chunkSize
            let last = min(index + Self.requestWindow, assignment.chunkCount)
            dependencies.chunks.expect(assignment.digest, from: index, window: Self.requestWindow)
            for wanted in index..<last where !dependencies.chunks.has(wanted) {
                if let sent = lastRequest[wanted], ContinuousClock.now - sent < timeout { continue }
                lastRequest[wanted] = .now
                await request(ChunkRequest(digest: assignment.digest, index: wanted, chunkSize: chunkSize))
            }
            guard let chunk = dependencies.chunks.take(index) else {
                let arrived = await dependencies.chunks.arrivals.wait(timeout: timeout)
                try Task.checkCancellation()
                misses = arrived ? 0 : misses + 1
                if misses > 0, misses % 6 == 0 {
                    // The server may be down for long; the download keeps asking (a `cancel` command ends it).
                    dependencies.logger.warning("bundle chunks are not arriving; still asking", metadata: [
                        "digest": "\(assignment.digest.prefix(16))", "chunk": "\(index)", "timeouts": "\(misses)",
                    ])
                }
                continue
            }
            let expected = min(chunkSize, assignment.size - have)
            guard chunk.count == expected else {
                Counter(label: "edge_agent_chunks_discarded_total", dimensions: [("reason", "size")]).increment()
                throttle.warning("chunkSize", "discarding a chunk of the wrong size", metadata: [
                    "chunk": "\(index)", "bytes": "\(chunk.count)", "expected": "\(expected)",
                ], logger: dependencies.logger)
                lastRequest[index] = nil
                continue
            }
            try DurableFiles.write(chunk, at: have, of: path, sync: false)
            have += chunk.count
            written += 1
            try await dependencies.fault.hold(at: .downloading, chunks: written)
        }
        dependencies.chunks.expect(nil, from: 0, window: 0)
        try DurableFiles.sync(path)
        let digest = await DedicatedThread.compute(name: "digest") { () -> String? in
            (try? DurableFiles.read(path)).flatMap { $0 }.map(BundleDigest.sha256Hex)
        }
        guard digest == assignment.digest else {
            try DurableFiles.remove(path)
            record.attempts += 1
            let error = UpdateError(.digestMismatch,
                "the downloaded file's SHA-256 is \(digest ?? "unreadable"), the assignment says \(assignment.digest) (attempt \(record.attempts) of \(dependencies.settings.maxAttempts))")
            if record.attempts >= dependencies.settings.maxAttempts {
                try await fail(&record, error)
            } else {
                dependencies.logger.warning("downloaded bundle is damaged; downloading again", metadata: ["error": "\(error)"])
                try await transition(&record, to: .downloading, error: error)
            }
            return false
        }
        return true
    }

    private func request(_ request: ChunkRequest) async {
        let payload = dependencies.outbox.direct(request)
        do {
            try await dependencies.client.publish(topic: dependencies.outbox.topics.bundleRequest, payload: payload, qos: .atMostOnce)
        } catch {
            dependencies.logger.debug("chunk request not sent", metadata: ["chunk": "\(request.index)", "error": "\(error)"])
        }
    }

    /// Full verification of the downloaded file; false when it was refused (the update failed).
    private func verify(_ record: inout UpdateRecord) async throws -> Bool {
        let path = dependencies.slots.downloadPath(record.assignment.digest)
        let verifier = try newBundleVerifier()
        let outcome = await DedicatedThread.compute(name: "verify") { () -> Result<BundleManifest, UpdateError> in
            guard let bytes = try? DurableFiles.read(path) else { return .failure(UpdateError(.verification, "the download vanished")) }
            do throws(BundleError) { return .success(try verifier.verify(bytes).manifest) } catch {
                return .failure(UpdateError(.verification, "\(error.code.rawValue): \(error.message)"))
            }
        }
        switch outcome {
        case .failure(let error):
            if DurableFiles.exists(path) {
                try await fail(&record, error)
            } else {
                try await transition(&record, to: .downloading, error: error)
            }
            return false
        case .success(let manifest):
            guard manifest.name == record.assignment.name, manifest.version == record.assignment.version else {
                try await fail(&record, UpdateError(.assignmentMismatch,
                    "the bundle holds \(manifest.name) \(manifest.version), the assignment announced \(record.assignment.name) \(record.assignment.version)"))
                return false
            }
            record.target.releaseCounter = manifest.releaseCounter
            return true
        }
    }

    /// Moves the verified download into its slot durably (rewrites the slot from the download when resumed).
    private func install(_ record: inout UpdateRecord) throws {
        let digest = record.assignment.digest
        let download = dependencies.slots.downloadPath(digest)
        if DurableFiles.exists(download) {
            try DurableFiles.sync(download)
            try DurableFiles.move(download, to: dependencies.slots.slotPath(digest))
        } else if !DurableFiles.exists(dependencies.slots.slotPath(digest)) {
            throw UpdateError(.install, "neither the download nor the slot of \(digest.prefix(16)) exists")
        }
    }

    /// Loads the candidate from its slot and checks it; nil when it failed (the update failed).
    private func healthCheck(_ record: inout UpdateRecord) async throws -> (ModelHandle, UInt64)? {
        let path = dependencies.slots.slotPath(record.assignment.digest)
        let verifier = try newBundleVerifier()
        let digest = record.assignment.digest
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
            try await fail(&record, UpdateError(.healthCheck, "the candidate cannot be loaded from its slot: \(error)"))
            return nil
        case .success(let (model, report)):
            guard report.passed else {
                try await fail(&record, UpdateError(.healthCheck, report.failures.joined(separator: "; ")))
                return nil
            }
            record.target = model.model.reference
            return (model, report.medianLatencyMicros)
        }
    }

    /// Loads the candidate again after a restart (it was health-checked before; it is checked again).
    private func reload(_ record: inout UpdateRecord) async throws -> ModelHandle? {
        guard let (model, _) = try await healthCheck(&record) else { return nil }
        return model
    }

    /// Runs the candidate beside the serving model; returns its agreement rate, or nil when refused.
    private func shadow(_ record: inout UpdateRecord, _ model: ModelHandle) async throws -> Double? {
        let switchboard = dependencies.switchboard
        let result = await switchboard.setShadow(model)
        if result.stopped { throw CancellationError() }
        let seconds = record.assignment.shadowSeconds ?? 0
        do {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        } catch {
            _ = await switchboard.setShadow(nil)
            throw error
        }
        let (compared, agreed) = dependencies.board.shadowCounts
        _ = await switchboard.setShadow(nil)
        let rate = compared == 0 ? 1.0 : Double(agreed) / Double(compared)
        if let minimum = record.assignment.minimumAgreement, compared > 0, rate < minimum {
            try await fail(&record, UpdateError(.agreement,
                "the candidate agreed with the serving model on \(agreed) of \(compared) inputs (\(rate)), below \(minimum)"))
            return nil
        }
        return rate
    }

    /// Points `active` at the candidate (durably), then switches the loop between two inferences.
    private func switchTo(_ record: inout UpdateRecord, _ model: ModelHandle) async throws -> Duration {
        let digest = record.assignment.digest
        if let previous = record.previousDigest { try dependencies.slots.setPrevious(previous) }
        try dependencies.slots.setActive(digest)
        let statistics = IntervalStatistics(model: model.model, startedAt: SystemProbe.nowMilliseconds(), started: .now)
        let result = await dependencies.switchboard.promote(model, statistics: statistics)
        if result.stopped { throw CancellationError() }
        previousModel = result.previous
        return result.pause
    }

    /// Watches the candidate; returns why it must be rolled back, or nil to commit.
    private func probation(_ record: inout UpdateRecord) async throws -> UpdateError? {
        let settings = dependencies.settings
        let seconds = record.assignment.probationSeconds ?? settings.probationSeconds
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let budget = HealthCheck.micros(settings.latencyBudget(profile: dependencies.profile, macs: dependencies.switchboard.servingMACs))
        while true {
            let summary = dependencies.board.probation
            if summary.inferences + summary.errors >= UInt64(settings.minimumProbationSamples) {
                if summary.errorRate > settings.maxErrorRate {
                    return UpdateError(.probation, "error rate \(summary.errorRate) over \(summary.inferences + summary.errors) inputs is above \(settings.maxErrorRate)")
                }
                if summary.inferences >= UInt64(settings.minimumProbationSamples), summary.p99Micros > budget {
                    return UpdateError(.probation, "p99 latency \(summary.p99Micros) µs is above the budget of \(budget) µs")
                }
            }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: min(.milliseconds(250), deadline - .now))
        }
    }

    /// Raises the anti-rollback floor to the candidate's release counter and frees the other slots.
    private func commit(_ record: inout UpdateRecord) throws {
        try dependencies.slots.raiseFloor(to: record.target.releaseCounter)
        try dependencies.slots.setPrevious(nil)
        previousModel = nil
        for digest in try dependencies.slots.slots() where digest != record.assignment.digest {
            try dependencies.slots.removeSlot(digest)
        }
    }

    /// Points `active` back at the previous bundle and switches the loop back to it.
    private func rollBack(_ record: inout UpdateRecord) async throws {
        guard let previous = record.previousDigest else {
            throw UpdateError(.stopped, "no previous bundle is recorded to roll back to")
        }
        try dependencies.slots.setActive(previous)
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
        try dependencies.slots.setPrevious(nil)
        if record.assignment.digest != previous { try? dependencies.slots.removeSlot(record.assignment.digest) }
    }

    // MARK: Helpers

    /// The verifier for new bundles: the current trust, the system clock, the committed floor, the profile.
    private func newBundleVerifier() throws -> BundleVerifier {
        BundleVerifier(trust: trust, time: .systemClock(), floor: try dependencies.slots.floor(), profile: dependencies.profile)
    }

    /// The verifier for bundles already installed: see ``UpdateRecovery/installedBundleVerifier``.
    private func installedBundleVerifier(path: String) throws -> BundleVerifier {
        try UpdateRecovery.installedBundleVerifier(path: path, trust: trust, slots: dependencies.slots, profile: dependencies.profile)
    }
}
