import Bundles
import FleetProtocol
import Foundation
import Logging
import ServiceLifecycle

/// Runs rollouts: creates them from requests, advances them on the injected clock (bakes, gates, waves,
/// promotion), and on a failed gate or an abort rolls every exposed device back and tracks it home.
///
/// The decisions are ``RolloutStateMachine``'s; the engine reads telemetry for the gates, performs the actions
/// through a ``RolloutActuator`` and persists the state after every transition, before acting on it. All work on
/// rollouts is serialized (one rollout changes at a time, API requests included), so a request never interleaves
/// with a step. After a restart the next step continues where the stored state says, and a device is never
/// assigned twice: the engine skips devices that already have this rollout's assignment in the store.
///
/// With several collectors on one PostgreSQL database only the leader (``Leadership``) runs the periodic steps; a
/// collector that takes over continues every rollout from its stored state. Operator requests are served by any
/// collector (each is one stored transition).
public actor RolloutEngine: Service {
    let store: any CollectorStore
    let actuator: any RolloutActuator
    let settings: RolloutSettings
    let profiles: [String: FirmwareProfile]
    let clock: any WallClock
    /// Only the leader advances rollouts on the schedule.
    let leadership: any Leadership
    let logger: Logger
    /// When this engine was made (new devices are those first seen from shortly before), and what admission remembers.
    let startedAt: Int64
    var admission = RolloutAdmission()
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(store: any CollectorStore, actuator: any RolloutActuator, settings: RolloutSettings, profiles: [String: FirmwareProfile],
                clock: any WallClock, leadership: any Leadership = SoleLeadership(), logger: Logger) {
        self.store = store
        self.leadership = leadership
        self.actuator = actuator
        self.settings = settings
        self.profiles = profiles
        self.clock = clock
        self.logger = logger
        startedAt = clock.now()
    }

    /// Reads the firmware profiles eligibility is judged against; a missing directory gives none (every device is
    /// then ineligible with that reason, which `create` reports).
    public static func loadProfiles(_ directory: String, logger: Logger) -> [String: FirmwareProfile] {
        guard let all = try? FirmwareProfile.all(in: directory) else {
            logger.warning("no firmware profiles for rollouts", metadata: ["directory": "\(directory)"])
            return [:]
        }
        return Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func run() async throws {
        guard settings.enabled else {
            try? await gracefulShutdown()
            return
        }
        let interval = Duration.milliseconds(Int64((settings.intervalSeconds * 1000).rounded()))
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            // Fenced: a step this collector began as leader writes nothing once another collector took the lease.
            await leadership.leading { await step() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass over every active rollout; the service calls it every `intervalSeconds`, tests call it directly.
    public func step() async {
        let active: [RolloutRecord]
        // Active rollouts, and promoted ones still sending the version to the rest of their devices or waiting for installs.
        do {
            active = try await store.rollouts(activeOnly: false, limit: 100)
                .filter { $0.status.isActive || !$0.pendingAssignments.isEmpty || !$0.installsOutstanding.isEmpty }
        } catch {
            logger.warning("reading active rollouts failed", metadata: ["error": "\(error.message)"])
            return
        }
        await serializedStep {
            do { try await self.admitNewDevices() } catch {
                self.logger.warning("admitting new devices failed", metadata: ["error": "\(error)"])
            }
        }
        for rollout in active.reversed() {
            await serializedStep {
                do { try await self.advance(rollout.id) } catch {
                    self.logger.warning("advancing a rollout failed", metadata: ["rollout": "\(rollout.id)", "error": "\(error)"])
                }
            }
        }
    }

    // MARK: Operator requests

    /// Creates and starts a rollout, or refuses with a 4xx-mapped error and changes nothing.
    ///
    /// Refused: an unknown model or version (`notFound`), an unblessed version, a model without a `champion` or the
    /// champion itself, devices held by another active rollout (`conflict`), a malformed strategy, an empty target,
    /// a target matching no device or none eligible (`invalidRequest`). The error's message names the reason.
    public func create(_ request: RolloutRequest) async throws(CollectorError) -> RolloutRecord {
        try await serialized { () async throws(CollectorError) -> RolloutRecord in try await self.createLocked(request) }
    }

    public func pause(id: String, reason: String?, by: String) async throws(CollectorError) -> RolloutRecord {
        try await change(id) { (rollout: inout RolloutRecord, now: Int64) throws(CollectorError) -> [RolloutAction] in
            try rollout.pause(reason: reason ?? "paused by an operator", by: by, now: now)
            return []
        }
    }

    public func resume(id: String, by: String) async throws(CollectorError) -> RolloutRecord {
        try await change(id) { (rollout: inout RolloutRecord, now: Int64) throws(CollectorError) -> [RolloutAction] in
            try rollout.resume(by: by, now: now)
        }
    }

    public func abort(id: String, reason: String?, by: String) async throws(CollectorError) -> RolloutRecord {
        try await change(id) { (rollout: inout RolloutRecord, now: Int64) throws(CollectorError) -> [RolloutAction] in
            try rollout.abort(reason: reason ?? "aborted by an operator", by: by, now: now)
        }
    }

    public func promote(id: String, by: String) async throws(CollectorError) -> RolloutRecord {
        try await change(id) { (rollout: inout RolloutRecord, now: Int64) throws(CollectorError) -> [RolloutAction] in
            try rollout.promote(by: by, now: now)
        }
    }

    private func change(_ id: String, _ body: @escaping @Sendable (inout RolloutRecord, Int64) throws(CollectorError) -> [RolloutAction])
        async throws(CollectorError) -> RolloutRecord {
        try await serialized { () async throws(CollectorError) -> RolloutRecord in
            guard var rollout = try await self.store.rollout(id: id) else { throw CollectorError(.notFound, "no rollout '\(id)'") }
            let before = rollout.decisions.count
            let actions = try body(&rollout, self.clock.now())
            try await self.persist(rollout, since: before)
            if actions.contains(.promote) { try await self.promote(rollout) }
            // Act at once (promotion, first rollback commands); the rest follows in the service's steps.
            try await self.advance(id)
            return try await self.store.rollout(id: id) ?? rollout
        }
    }

    private func createLocked(_ request: RolloutRequest) async throws(CollectorError) -> RolloutRecord {
        let strategy = request.strategy ?? settings.strategy
        try strategy.validate()
        try request.target.validate()
        guard !request.model.isEmpty, request.model.utf8.count <= 128 else { throw CollectorError(.invalidRequest, "model must have 1 to 128 characters") }
        let versions = try await store.versions(model: request.model)
        guard !versions.isEmpty else { throw CollectorError(.notFound, "no model '\(request.model)' is registered") }
        let version: ModelVersionRecord
        if let release = UInt64(request.version) {
            guard let found = versions.first(where: { $0.release == release }) else {
                throw CollectorError(.notFound, "\(request.model) has no version with release counter \(release)")
            }
            version = found
        } else if request.version == "latest", let latest = versions.first {
            version = latest
        } else if let found = versions.first(where: { $0.aliases.contains(request.version) }) {
            version = found
        } else {
            throw CollectorError(.notFound, "\(request.model) has no version '\(request.version)' (give a release counter, an alias or latest)")
        }
        let currentChampion = versions.first(where: { $0.aliases.contains("champion") })
        guard currentChampion?.release != version.release else {
            throw CollectorError(.conflict, "release \(version.release) is already the champion of \(version.model)")
        }
        guard version.blessed else {
            // The same reasons `ModelRegistry.requireBlessed` gives an assignment: the gate's, or that it has not judged it.
            let why = try await store.evaluations(model: version.model, release: version.release).first.map { latest in
                "the gate refused it: " + (latest.reasons.isEmpty ? "no reason recorded" : latest.reasons.joined(separator: "; "))
            } ?? "the gate has not evaluated it"
            throw CollectorError(.conflict, "release \(version.release) of \(version.model) is not blessed (\(why)); only versions the evaluation gate blessed can be rolled out")
        }
        guard let champion = currentChampion else {
            throw CollectorError(.conflict, "\(version.model) has no champion alias; the control group and rollbacks need one (set it with PUT /api/v1/models/\(version.model)/aliases/champion)")
        }
        let known = try await store.devices(DeviceFilter(limit: 1_000_000))
        let targeted = known.filter { request.target.matches($0) }
        let unknown = Set(request.target.devices).subtracting(targeted.map(\.id)).sorted()
        guard !targeted.isEmpty else {
            throw CollectorError(.invalidRequest, "the target matches no known device\(unknown.isEmpty ? "" : " (unknown: \(unknown.prefix(10).joined(separator: ", ")))")")
        }
        var (eligible, ineligible) = RolloutEligibility.split(targeted, version: version, profiles: profiles)
        ineligible += unknown.map { RolloutIneligibleDevice(deviceID: $0, reason: "no such device") }
        guard eligible.count >= 2 else {
            let reasons = Dictionary(grouping: ineligible, by: \.reason).sorted { $0.value.count > $1.value.count }
                .prefix(3).map { "\($0.value.count) × \($0.key)" }.joined(separator: "; ")
            throw CollectorError(.invalidRequest, "\(eligible.count) of \(targeted.count) targeted devices are eligible; a rollout needs at least 2 (one control, one canary). Ineligible: \(reasons)")
        }
        let held = try await store.rolloutClaims(deviceIDs: eligible.map(\.id))
        guard held.isEmpty else {
            let listed = held.sorted { $0.key < $1.key }.prefix(10).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            throw CollectorError(.conflict, "\(held.count) targeted devices already belong to an active rollout: \(listed); abort or finish it first, or narrow the target")
        }
        let now = clock.now()
        let id = "ro-" + (0..<12).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        var rollout = RolloutStateMachine(id: id, version: version, champion: champion, target: request.target, strategy: strategy,
                                          plan: RolloutPlan.make(rolloutID: id, eligible: eligible, strategy: strategy),
                                          ineligible: ineligible.sorted { $0.deviceID < $1.deviceID }, createdBy: request.createdBy, now: now)
        _ = rollout.start(now: now)
        try await store.insertRollout(rollout)
        try await recordEvents(rollout, since: 0)
        logger.info("rollout created", metadata: ["rollout": "\(id)", "model": "\(version.model)", "release": "\(version.release)",
                                                  "eligible": "\(eligible.count)", "ineligible": "\(ineligible.count)"])
        return rollout
    }

    // MARK: Advancing

    /// Brings one rollout up to date: gates when due, assignments, promotion, rollback commands and tracking.
    func advance(_ id: String) async throws(CollectorError) {
        guard var rollout = try await store.rollout(id: id), rollout.status.isActive || rollout.promoted else { return }
        let before = rollout.decisions.count
        let now = clock.now()
        var actions: [RolloutAction] = []
        if rollout.status == .running, rollout.wave < 0 { actions += rollout.start(now: now) }
        try await sweepInstalls(&rollout)
        if rollout.status == .running, rollout.wave >= 0 {
            // A failed install fails the wave at once: a canary need not bake to show it cannot load.
            let install = RolloutGates.install(try await installSample(rollout, wave: rollout.wave), rollout.strategy.gates)
            if install.verdict == .fail {
                actions += rollout.gatesEvaluated([install], wave: rollout.wave, now: now)
            } else {
                for action in rollout.tick(now: now) {
                    guard case .evaluateGates(let wave, let from, let to) = action else { continue }
                    let results = try await evaluate(rollout, wave: wave, range: TimeRange(from: from, to: to))
                    actions += rollout.gatesEvaluated(results, wave: wave, now: now)
                }
            }
        }
        if rollout.decisions.count != before { try await persist(rollout, since: before) }
        if actions.contains(.promote) { try await promote(rollout) }
        try await sendAssignments(&rollout)
        if rollout.status == .rollingBack { try await rollBack(&rollout) }
    }

    /// Judges a wave against the control over the same period, each also against itself on the champion before the wave.
    func evaluate(_ rollout: RolloutRecord, wave: Int, range: TimeRange) async throws(CollectorError) -> [RolloutGateResult] {
        let devices = rollout.plan.waves[wave], control = rollout.plan.control
        let champion = rollout.championDigest ?? ""
        // The baseline: as long before the wave as the wave has run (at least a minute), on the champion.
        let span = max(range.to - range.from, 60_000)
        let before = TimeRange(from: range.from - span, to: range.from)
        let installs = try await installSample(rollout, wave: wave)
        let births = try await store.events(EventFilter(name: "agent.birth", range: TimeRange(from: before.from, to: range.to), limit: 10_000))
        let hours = Double(range.to - range.from) / 3_600_000, hoursBefore = Double(before.to - before.from) / 3_600_000
        var waveSample = RolloutGateSample.fold(devices: devices, reports: try await store.rolloutReports(deviceIDs: devices, digest: rollout.digest, range: range),
                                                installsSucceeded: installs.installsSucceeded, installsFailed: installs.installsFailed,
                                                restarts: Self.restarts(births, devices: devices, range: range), hours: hours)
        if let requirements = try await store.version(model: rollout.model, release: rollout.release)?.requirements {
            waveSample.expectedMemoryIncreaseBytes = Double(requirements.arenaBytes + requirements.weightsBytes)
        }
        let controlSample = RolloutGateSample.fold(devices: control, reports: try await store.rolloutReports(deviceIDs: control, digest: champion, range: range),
                                                   restarts: Self.restarts(births, devices: control, range: range), hours: hours)
        let waveBefore = RolloutGateSample.fold(devices: devices, reports: try await store.rolloutReports(deviceIDs: devices, digest: champion, range: before),
                                                restarts: Self.restarts(births, devices: devices, range: before), hours: hoursBefore)
        let controlBefore = RolloutGateSample.fold(devices: control, reports: try await store.rolloutReports(deviceIDs: control, digest: champion, range: before),
                                                   restarts: Self.restarts(births, devices: control, range: before), hours: hoursBefore)
        return RolloutGates.evaluate(wave: waveSample, control: controlSample, waveBefore: waveBefore, controlBefore: controlBefore,
                                     policy: rollout.strategy.gates)
    }

    /// Agent restarts of `devices` in `range`: births whose agent process started in the range (a birth of a process
    /// started earlier is a reconnection, not a restart), each process once. Births carry `startedAt` (device clock)
    /// since the health gate judges restarts; older births without it count as one restart each.
    static func restarts(_ births: [EventRecord], devices: [String], range: TimeRange) -> Int {
        let members = Set(devices)
        var processes = Set<String>()
        var unknown = 0
        for birth in births where birth.time >= range.from && birth.time < range.to {
            guard let device = birth.deviceID, members.contains(device) else { continue }
            guard let startedAt = birth.details["startedAt"].flatMap({ Int64($0) }) else {
                unknown += 1
                continue
            }
            if startedAt >= range.from { processes.insert("\(device) \(startedAt)") }
        }
        return processes.count + unknown
    }

    /// Install outcomes of a wave from the newest assignment of the version per device.
    func installSample(_ rollout: RolloutRecord, wave: Int) async throws(CollectorError) -> RolloutGateSample {
        var succeeded = 0, failed = 0
        let assigned = Set(rollout.assigned)
        for device in rollout.plan.waves[wave] where assigned.contains(device) {
            // Out of retries without an answer: a failed install (the reason is in the rollout's tracking).
            if rollout.installs?.timedOut[device] != nil {
                failed += 1
                continue
            }
            guard let latest = try await store.assignments(deviceID: device, digest: rollout.digest, limit: 1).first else { continue }
            switch latest.phase {
            // Serving it counts: rollout assignments keep devices in probation for the whole rollout (see `probation`).
            case "probation", "committing", "committed": succeeded += 1
            case "failed", "rolledBack": failed += 1
            default: break
            }
        }
        return RolloutGateSample(devices: rollout.plan.waves[wave].count, reportingDevices: 0, inferences: 0, errors: 0, latencyP95Micros: nil,
                                 predictions: [], confidence: [], installsSucceeded: succeeded, installsFailed: failed)
    }

    /// Sends the version to the devices that should have it, one batch per call, persisting after the batch.
    private func sendAssignments(_ rollout: inout RolloutRecord) async throws(CollectorError) {
        let pending = rollout.pendingAssignments
        guard !pending.isEmpty, let version = try await store.version(model: rollout.model, release: rollout.release) else { return }
        let createdBy = "rollout:\(rollout.id)"
        var sent: [String] = []
        for device in pending.prefix(settings.assignBatch) {
            // Already assigned by this rollout (a restart between sending and persisting): never send twice.
            let existing = try await store.assignments(deviceID: device, digest: rollout.digest, limit: 20)
            if !existing.contains(where: { $0.createdBy == createdBy }) {
                do { try await actuator.assign(version, to: device, createdBy: createdBy, probationSeconds: probation(rollout)) } catch {
                    logger.warning("assigning a rollout's version failed", metadata: ["rollout": "\(rollout.id)", "device": "\(device)",
                                                                                      "error": "\(error.message)"])
                    continue
                }
            }
            sent.append(device)
        }
        rollout.assigned(sent, now: clock.now())
        try await store.updateRollout(rollout)
    }

    /// Sends due rollback commands and counts devices back on the champion.
    private func rollBack(_ rollout: inout RolloutRecord) async throws(CollectorError) {
        let before = rollout.decisions.count
        let now = clock.now()
        for device in rollout.rollbackPending {
            guard let record = try await store.device(device) else { continue }
            if record.currentBundle?.digest != rollout.digest {
                let phase = try await store.assignments(deviceID: device, digest: rollout.digest, limit: 1).first?.phase
                if phase.map({ ["committed", "failed", "rolledBack"].contains($0) }) ?? true { rollout.deviceReturned(device, now: now) }
            }
        }
        if rollout.status == .rollingBack, let championRelease = rollout.championRelease,
           let champion = try await store.version(model: rollout.model, release: championRelease) {
            let due = rollout.rollbacksDue(now: now, retrySeconds: settings.rollbackRetrySeconds, maximumAttempts: settings.maximumRollbackAttempts)
            for device in due.prefix(settings.assignBatch) {
                let attempt = (rollout.rollbackAttempts[device] ?? 0) + 1
                do {
                    // Alternating: `rollback` reaches a device in probation, a plain `assign` an agent without the command.
                    try await actuator.rollback(to: champion, deviceID: device, createdBy: "rollout:\(rollout.id):rollback",
                                                asAssignment: attempt % 2 == 0)
                } catch {
                    logger.warning("sending a rollback failed", metadata: ["rollout": "\(rollout.id)", "device": "\(device)", "error": "\(error.message)"])
                }
                rollout.rollbackSent(device, now: now)
            }
            for device in rollout.rollbackTimeoutsDue(now: now, retrySeconds: settings.rollbackRetrySeconds, maximumAttempts: settings.maximumRollbackAttempts) {
                let reason = "no report of the champion after \(settings.maximumRollbackAttempts) rollback attempts; still tracked, it counts back when it reports"
                rollout.rollbackTimedOut(device, reason: reason, now: now)
                try await deviceEvent("rollout.device.timed_out", rollout, device: device, details: ["kind": "rollback", "reason": reason], at: now)
            }
        }
        try await persist(rollout, since: before)
    }

    /// Install timeouts and bounded retries: marks installs that finished, sends the assignment again to devices
    /// past their deadline (backoff doubling per send) and records those out of retries as failed installs, each
    /// with an event (`rollout.device.retried`, `rollout.device.timed_out`). The tracking is persisted with the
    /// rollout, so a restarted collector continues the retries where they were.
    func sweepInstalls(_ rollout: inout RolloutRecord) async throws(CollectorError) {
        let outstanding = rollout.installsOutstanding
        guard !outstanding.isEmpty else { return }
        let before = rollout
        let now = clock.now()
        var latest: [String: AssignmentRecord] = [:]
        for device in outstanding {
            let assignment = try await store.assignments(deviceID: device, digest: rollout.digest, limit: 1).first
            latest[device] = assignment
            if let phase = assignment?.phase, Self.installFinishedPhases.contains(phase) {
                rollout.installFinished(device)
            } else if try await store.device(device)?.currentBundle?.digest == rollout.digest {
                // Serving it (a phase report lost or superseded): as good as reported.
                rollout.installFinished(device)
            }
        }
        let due = rollout.installsDue(now: now, timeoutSeconds: settings.installTimeoutSeconds, retries: settings.installRetries)
        for device in due.resend.prefix(settings.assignBatch) {
            guard let assignment = latest[device], assignment.createdBy == "rollout:\(rollout.id)" else { continue }
            do { try await actuator.resend(assignment) } catch {
                logger.warning("resending a rollout's assignment failed", metadata: ["rollout": "\(rollout.id)", "device": "\(device)",
                                                                                  "error": "\(error.message)"])
                continue
            }
            rollout.installResent(device, now: now)
            let sends = rollout.installs?.attempts[device] ?? 2
            try await deviceEvent("rollout.device.retried", rollout, device: device,
                                  details: ["assignment": assignment.id, "attempt": "\(sends)", "phase": assignment.phase ?? "none"], at: now)
        }
        for device in due.timedOut {
            let phase = latest[device]?.phase ?? "none"
            let reason = "no install report within \(RolloutGates.fixed(settings.installTimeoutSeconds)) s (doubling) after \(settings.installRetries + 1) sends; last phase \(phase)"
            rollout.installTimedOut(device, reason: reason, now: now)
            try await deviceEvent("rollout.device.timed_out", rollout, device: device, details: ["kind": "install", "reason": reason], at: now)
        }
        if rollout != before { try await store.updateRollout(rollout) }
    }

    /// Update phases after which an install is over: serving the version (rollout assignments stay in probation for
    /// the whole rollout), committed, failed or rolled back.
    static let installFinishedPhases: Set<String> = ["probation", "committing", "committed", "failed", "rolledBack"]

    /// Appends a per-device event of a rollout (audit log).
    func deviceEvent(_ name: String, _ rollout: RolloutRecord, device: String, details: [String: String], at time: Int64) async throws(CollectorError) {
        var all = details
        all["rollout"] = rollout.id
        all["release"] = "\(rollout.release)"
        try await store.record(CollectorEvent(name: name, deviceID: device, model: rollout.model, details: all), at: time)
    }

    /// Probation sent with the rollout's assignments: as long as the rollout can still fail (every bake with its
    /// extensions, plus a minute), because an agent keeps the previous version in its other slot (and does not raise
    /// its anti-rollback floor) only until it commits; a `rollback` command during probation is instant.
    func probation(_ rollout: RolloutRecord) -> Double {
        let strategy = rollout.strategy
        let waves = Double(max(1, rollout.plan.waves.count))
        return min(7 * 86_400, strategy.bakeSeconds * Double(1 + strategy.maximumBakeExtensions) * waves + 60)
    }

    private func promote(_ rollout: RolloutRecord) async throws(CollectorError) {
        let now = clock.now()
        let previous = try await store.setAlias(model: rollout.model, alias: "champion", release: rollout.release, by: "rollout:\(rollout.id)", at: now)
        try await store.record(CollectorEvent(name: "alias.moved", model: rollout.model, details: [
            "alias": "champion", "release": "\(rollout.release)", "previous": previous.map { "\($0)" } ?? "none", "by": "rollout:\(rollout.id)",
        ]), at: now)
    }

    /// Stores the state, then one `rollout.<kind>` event per new decision (append-only audit log).
    private func persist(_ rollout: RolloutRecord, since before: Int) async throws(CollectorError) {
        try await store.updateRollout(rollout)
        try await recordEvents(rollout, since: before)
    }

    private func recordEvents(_ rollout: RolloutRecord, since before: Int) async throws(CollectorError) {
        guard before < rollout.decisions.count else { return }
        for decision in rollout.decisions[before...] {
            var details = ["rollout": rollout.id, "release": "\(rollout.release)", "reason": String(decision.reason.prefix(2000))]
            if let wave = decision.wave { details["wave"] = "\(wave)" }
            if let by = decision.by { details["by"] = by }
            try await store.record(CollectorEvent(name: "rollout.\(decision.kind)", model: rollout.model, details: details), at: decision.at)
            logger.info("rollout decision", metadata: ["rollout": "\(rollout.id)", "decision": "\(decision.kind)", "reason": "\(decision.reason)"])
        }
    }

    // MARK: Serialization

    /// Runs `body` with no other rollout work in between (actor methods interleave at every `await` otherwise).
    private func serialized<T: Sendable>(_ body: () async throws(CollectorError) -> T) async throws(CollectorError) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func serializedStep(_ body: () async -> Void) async {
        await acquire()
        defer { release() }
        await body()
    }

    private func acquire() async {
        guard locked else {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { locked = false } else { waiters.removeFirst().resume() }
    }
}
