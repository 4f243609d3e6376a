/// A rollout as a persisted state machine: a plain value with no I/O and no clock.
///
/// Inputs are methods (`start`, `tick`, `gatesEvaluated`, `assigned`, `deviceReturned`, and the operator's `pause`,
/// `resume`, `abort`, `promote`); each returns the ``RolloutAction``s the engine performs and appends a
/// ``RolloutDecision`` with its reason. The engine persists the value after every transition and before acting on
/// it, so a restarted collector resumes exactly where it was; `assigned` lists every device the version was sent
/// to, so no device is assigned twice.
public struct RolloutStateMachine: Codable, Sendable, Equatable {
    public var id: String
    public var model: String
    public var release: UInt64
    public var version: String
    public var digest: String
    /// The champion when the rollout was created: what the control runs and what exposed devices return to.
    public var championRelease: UInt64?
    public var championDigest: String?
    public var target: RolloutTarget
    public var strategy: RolloutStrategy
    public var plan: RolloutPlan
    public var ineligible: [RolloutIneligibleDevice]
    public var status: RolloutStatus
    public var createdAt: Int64
    public var createdBy: String
    public var updatedAt: Int64
    /// The wave running (0 is the canary); -1 before the start.
    public var wave: Int
    public var waveStartedAt: [Int64]
    /// When the current wave's gates are next judged.
    public var bakeUntil: Int64?
    public var extensions: Int
    /// Devices the version was sent to, in order.
    public var assigned: [String]
    /// Exposed devices not yet back on the champion, and those that are.
    public var rollbackPending: [String]
    public var returned: [String]
    /// Rollback commands sent per exposed device, and when the last one went out (for retries with backoff).
    public var rollbackAttempts: [String: Int]
    public var rollbackSentAt: [String: Int64]
    public var abortedAt: Int64?
    public var finishedAt: Int64?
    public var promoted: Bool
    public var decisions: [RolloutDecision]
    /// Install retries and timeouts per device (nil in rollouts stored before retries existed: nothing tracked yet).
    public var installs: RolloutInstallTracking?
    /// Devices that registered after the rollout was created and joined it, in order (see `join`).
    public var joined: [String]?

    public init(id: String, version: ModelVersionRecord, champion: ModelVersionRecord?, target: RolloutTarget, strategy: RolloutStrategy,
                plan: RolloutPlan, ineligible: [RolloutIneligibleDevice], createdBy: String, now: Int64) {
        self.id = id
        model = version.model
        release = version.release
        self.version = version.version
        digest = version.digest
        championRelease = champion?.release
        championDigest = champion?.digest
        self.target = target
        self.strategy = strategy
        self.plan = plan
        self.ineligible = ineligible
        status = .running
        createdAt = now
        self.createdBy = createdBy
        updatedAt = now
        wave = -1
        waveStartedAt = []
        extensions = 0
        assigned = []
        rollbackPending = []
        returned = []
        rollbackAttempts = [:]
        rollbackSentAt = [:]
        promoted = false
        let eligible = plan.control.count + plan.waves.reduce(0) { $0 + $1.count }
        decisions = [RolloutDecision(at: now, kind: "created",
                                     reason: "\(eligible) eligible devices (\(plan.control.count) control, canary \(plan.waves.first?.count ?? 0), \(plan.waves.count) waves), \(ineligible.count) ineligible",
                                     by: createdBy)]
    }

    /// Every device the rollout holds: control and waves.
    public var devices: [String] { plan.control + plan.waves.flatMap { $0 } }

    /// Devices that should have the version by now but were not sent it yet: the current wave while running,
    /// every planned device once promoted. The engine sends these in batches, so a restart resumes the sending.
    public var pendingAssignments: [String] {
        switch status {
        case .running where wave >= 0: return Self.missing(plan.waves[wave], from: assigned)
        case .completed where promoted: return Self.missing(devices, from: assigned)
        default: return []
        }
    }

    /// Exposed devices whose rollback command is due: never sent, or unanswered past the retry delay (doubling per
    /// attempt), up to `maximumAttempts`.
    public func rollbacksDue(now: Int64, retrySeconds: Double, maximumAttempts: Int) -> [String] {
        guard status == .rollingBack else { return [] }
        return rollbackPending.filter { device in
            let attempts = rollbackAttempts[device] ?? 0
            guard attempts < maximumAttempts else { return false }
            guard attempts > 0, let sent = rollbackSentAt[device] else { return true }
            let delay = retrySeconds * Double(1 << min(attempts - 1, 20))
            return now - sent >= Self.milliseconds(delay)
        }
    }

    /// The engine sent a rollback command to the device.
    public mutating func rollbackSent(_ device: String, now: Int64) {
        rollbackAttempts[device, default: 0] += 1
        rollbackSentAt[device] = now
    }

    /// Starts the canary.
    public mutating func start(now: Int64) -> [RolloutAction] {
        guard status == .running, wave < 0 else { return [] }
        return startWave(0, now: now)
    }

    /// Time passed: when the bake is over, ask for the gates.
    public func tick(now: Int64) -> [RolloutAction] {
        guard status == .running, wave >= 0, let bakeUntil, now >= bakeUntil else { return [] }
        return [.evaluateGates(wave: wave, from: waveStartedAt[wave], to: now)]
    }

    /// The engine sent the version to these devices (at `now`: their install timeout starts then).
    public mutating func assigned(_ devices: [String], now: Int64? = nil) {
        let known = Set(assigned)
        let new = devices.filter { !known.contains($0) }
        assigned += new
        guard let now else { return }
        var tracking = installs ?? RolloutInstallTracking()
        for device in new {
            tracking.attempts[device] = 1
            tracking.sentAt[device] = now
        }
        installs = tracking
    }

    /// Devices sent the version whose install has neither finished nor timed out: the engine checks their reports.
    /// Only while the version is still wanted on them (running, paused, or promoted); a rollback tracks them instead.
    public var installsOutstanding: [String] {
        guard status == .running || status == .paused || (status == .completed && promoted) else { return [] }
        let tracking = installs ?? RolloutInstallTracking()
        let done = Set(tracking.finished).union(tracking.timedOut.keys)
        return assigned.filter { !done.contains($0) }
    }

    /// Outstanding installs past their deadline: those to send again (the deadline doubles per send:
    /// `timeoutSeconds × 2^(sends − 1)` after the last one), and those out of retries, which now count as failed.
    public func installsDue(now: Int64, timeoutSeconds: Double, retries: Int) -> (resend: [String], timedOut: [String]) {
        let tracking = installs ?? RolloutInstallTracking()
        var resend: [String] = [], timedOut: [String] = []
        for device in installsOutstanding {
            let sends = tracking.attempts[device] ?? 1
            // Rollouts stored before tracking: the wave's start stands in for the first send.
            let sent = tracking.sentAt[device] ?? waveStartedAt.last ?? createdAt
            guard now - sent >= Self.milliseconds(timeoutSeconds * Double(1 << min(sends - 1, 20))) else { continue }
            if sends - 1 < retries { resend.append(device) } else { timedOut.append(device) }
        }
        return (resend, timedOut)
    }

    /// The device's install finished (serving the version, committed, failed or rolled back).
    public mutating func installFinished(_ device: String) {
        var tracking = installs ?? RolloutInstallTracking()
        guard !tracking.finished.contains(device) else { return }
        tracking.finished.append(device)
        installs = tracking
    }

    /// The engine sent the device its assignment again.
    public mutating func installResent(_ device: String, now: Int64) {
        var tracking = installs ?? RolloutInstallTracking()
        tracking.attempts[device, default: 1] += 1
        tracking.sentAt[device] = now
        installs = tracking
    }

    /// The device is out of retries: its install counts as failed, for this reason.
    public mutating func installTimedOut(_ device: String, reason: String, now: Int64) {
        var tracking = installs ?? RolloutInstallTracking()
        tracking.timedOut[device] = reason
        installs = tracking
        updatedAt = now
    }

    /// Exposed devices whose last rollback attempt went unanswered past its delay, with no attempt left, not yet
    /// recorded as timed out.
    public func rollbackTimeoutsDue(now: Int64, retrySeconds: Double, maximumAttempts: Int) -> [String] {
        guard status == .rollingBack else { return [] }
        let recorded = installs?.rollbackTimedOut ?? [:]
        return rollbackPending.filter { device in
            let attempts = rollbackAttempts[device] ?? 0
            guard attempts >= maximumAttempts, recorded[device] == nil, let sent = rollbackSentAt[device] else { return false }
            return now - sent >= Self.milliseconds(retrySeconds * Double(1 << min(attempts - 1, 20)))
        }
    }

    /// The device never acknowledged its rollback: recorded with the reason (it stays pending, so it still counts
    /// back if it returns).
    public mutating func rollbackTimedOut(_ device: String, reason: String, now: Int64) {
        var tracking = installs ?? RolloutInstallTracking()
        tracking.rollbackTimedOut[device] = reason
        installs = tracking
        updatedAt = now
    }

    /// The gates of the current wave were judged.
    public mutating func gatesEvaluated(_ results: [RolloutGateResult], wave judged: Int, now: Int64) -> [RolloutAction] {
        guard status == .running, judged == wave else { return [] }
        updatedAt = now
        let summary = results.filter { $0.verdict != .pass }.map { "\($0.gate): \($0.reason)" }.joined(separator: "; ")
        switch RolloutGates.overall(results) {
        case .fail:
            decisions.append(RolloutDecision(at: now, kind: "gate.failed", wave: wave, reason: summary, gates: results))
            return beginRollback(reason: "gate failed in wave \(wave): \(summary)", by: nil, now: now)
        case .inconclusive:
            decisions.append(RolloutDecision(at: now, kind: "gate.inconclusive", wave: wave, reason: summary, gates: results))
            if extensions < strategy.maximumBakeExtensions {
                extensions += 1
                bakeUntil = now + Self.milliseconds(strategy.bakeSeconds)
                return []
            }
            status = .paused
            bakeUntil = nil
            decisions.append(RolloutDecision(at: now, kind: "paused", wave: wave,
                                             reason: "gates stayed inconclusive after \(extensions) bake extensions; an operator must resume or abort"))
            return []
        case .pass:
            decisions.append(RolloutDecision(at: now, kind: "gate.passed", wave: wave,
                                             reason: results.map { "\($0.gate): \($0.reason)" }.joined(separator: "; "), gates: results))
            if wave + 1 < plan.waves.count { return startWave(wave + 1, now: now) }
            return complete(now: now, promote: strategy.promoteOnCompletion, by: nil, reason: "every wave passed its gates")
        }
    }

    /// An operator pauses the rollout: nothing more is assigned until it is resumed.
    public mutating func pause(reason: String, by: String, now: Int64) throws(CollectorError) {
        guard status == .running else { throw CollectorError(.conflict, "rollout \(id) is \(status.rawValue); only a running rollout can be paused") }
        status = .paused
        bakeUntil = nil
        updatedAt = now
        decisions.append(RolloutDecision(at: now, kind: "paused", wave: wave, reason: reason, by: by))
    }

    /// An operator resumes: the current wave bakes again from now (its gates are judged over a fresh period).
    public mutating func resume(by: String, now: Int64) throws(CollectorError) -> [RolloutAction] {
        guard status == .paused else { throw CollectorError(.conflict, "rollout \(id) is \(status.rawValue); only a paused rollout can be resumed") }
        status = .running
        updatedAt = now
        decisions.append(RolloutDecision(at: now, kind: "resumed", wave: max(wave, 0), reason: "resumed by an operator", by: by))
        if wave < 0 { return startWave(0, now: now) }
        extensions = 0
        waveStartedAt[wave] = now
        bakeUntil = now + Self.milliseconds(strategy.bakeSeconds)
        // Devices of the wave not yet sent the version (a pause can interrupt the sending) get it now.
        let missing = Self.missing(plan.waves[wave], from: assigned)
        return missing.isEmpty ? [] : [.assign(missing)]
    }

    /// An operator aborts: stop assigning and roll every exposed device back.
    public mutating func abort(reason: String, by: String, now: Int64) throws(CollectorError) -> [RolloutAction] {
        guard status == .running || status == .paused else {
            throw CollectorError(.conflict, "rollout \(id) is \(status.rawValue); only a running or paused rollout can be aborted")
        }
        return beginRollback(reason: reason, by: by, now: now)
    }

    /// An operator promotes: the version becomes the champion and every planned device (control included) gets it.
    public mutating func promote(by: String, now: Int64) throws(CollectorError) -> [RolloutAction] {
        guard status == .running || status == .paused || (status == .completed && !promoted) else {
            throw CollectorError(.conflict, "rollout \(id) is \(status.rawValue)\(promoted ? " and promoted" : ""); it cannot be promoted")
        }
        return complete(now: now, promote: true, by: by, reason: "promoted by an operator")
    }

    /// A device that registered after the rollout was created, matches its target and is eligible joins the plan:
    /// the control while it is below its share (`controlPercent` of every planned device, at least one), else the
    /// last wave not yet started, else (the last wave running) the current wave, which sends it the version at once.
    /// Returns where it went (`control` or `wave N`); nil when the rollout no longer takes devices (completed, rolling
    /// back, rolled back: a later device then gets the champion) or already holds it.
    public mutating func join(_ device: String, now: Int64) -> String? {
        guard status == .running || status == .paused, !plan.waves.isEmpty, !devices.contains(device) else { return nil }
        ineligible.removeAll { $0.deviceID == device }
        joined = (joined ?? []) + [device]
        updatedAt = now
        let planned = devices.count + 1
        let controlShare = max(1, Int((Double(planned) * strategy.controlPercent / 100).rounded(.up)))
        if plan.control.count < controlShare {
            plan.control.append(device)
            return "control"
        }
        let index = wave + 1 < plan.waves.count ? plan.waves.count - 1 : max(wave, 0)
        plan.waves[index].append(device)
        return "wave \(index)"
    }

    /// A device that registered after the rollout was created and matches its target, but is not eligible.
    public mutating func joinIneligible(_ device: String, reason: String, now: Int64) {
        guard !devices.contains(device), !ineligible.contains(where: { $0.deviceID == device && $0.reason == reason }) else { return }
        ineligible.removeAll { $0.deviceID == device }
        ineligible.append(RolloutIneligibleDevice(deviceID: device, reason: reason))
        updatedAt = now
    }

    /// An exposed device reported the champion again (or a version other than the rollout's).
    public mutating func deviceReturned(_ device: String, now: Int64) {
        guard status == .rollingBack, let index = rollbackPending.firstIndex(of: device) else { return }
        rollbackPending.remove(at: index)
        returned.append(device)
        updatedAt = now
        if rollbackPending.isEmpty { finishRollback(now: now) }
    }

    private mutating func startWave(_ index: Int, now: Int64) -> [RolloutAction] {
        wave = index
        extensions = 0
        if waveStartedAt.count <= index { waveStartedAt.append(now) } else { waveStartedAt[index] = now }
        bakeUntil = now + Self.milliseconds(strategy.bakeSeconds)
        updatedAt = now
        let devices = plan.waves[index]
        decisions.append(RolloutDecision(at: now, kind: "wave.started", wave: index,
                                         reason: "\(index == 0 ? "canary" : "wave \(index)") of \(devices.count) devices, baking \(strategy.bakeSeconds) s"))
        return [.assign(Self.missing(devices, from: assigned))]
    }

    private mutating func beginRollback(reason: String, by: String?, now: Int64) -> [RolloutAction] {
        status = .rollingBack
        bakeUntil = nil
        abortedAt = now
        updatedAt = now
        rollbackPending = assigned
        decisions.append(RolloutDecision(at: now, kind: "aborted", wave: max(wave, 0),
                                         reason: "\(reason); rolling back \(assigned.count) exposed devices", by: by))
        if rollbackPending.isEmpty {
            finishRollback(now: now)
            return []
        }
        return [.rollback(rollbackPending)]
    }

    private mutating func finishRollback(now: Int64) {
        status = .rolledBack
        finishedAt = now
        decisions.append(RolloutDecision(at: now, kind: "rolled_back", wave: max(wave, 0),
                                         reason: "all \(returned.count) exposed devices are back on the champion"))
    }

    private mutating func complete(now: Int64, promote: Bool, by: String?, reason: String) -> [RolloutAction] {
        status = .completed
        bakeUntil = nil
        finishedAt = finishedAt ?? now
        updatedAt = now
        if decisions.last?.kind != "completed" {
            decisions.append(RolloutDecision(at: now, kind: "completed", wave: max(wave, 0), reason: reason, by: by))
        }
        guard promote else { return [] }
        promoted = true
        decisions.append(RolloutDecision(at: now, kind: "promoted", wave: max(wave, 0),
                                         reason: "champion moved to release \(release); every planned device gets it", by: by))
        let missing = Self.missing(devices, from: assigned)
        return [.promote] + (missing.isEmpty ? [] : [.assign(missing)])
    }

    static func missing(_ devices: [String], from assigned: [String]) -> [String] {
        let known = Set(assigned)
        return devices.filter { !known.contains($0) }
    }

    static func milliseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded()) }
}
