import FleetProtocol

/// One model's learning loop as a plain value: drift on a cohort → capture raised there → labelled samples → a
/// dataset snapshot → a training job → the blessing gate → a blessed candidate (→ a staged rollout), then a cool-down.
///
/// It decides; ``LearningLoopService`` observes the collector (drift reports, labels, jobs, rollouts), feeds what it
/// saw through ``handle(_:policy:now:)`` and carries out the returned actions. Every action and event carries the
/// cycle's chain so far (drift report → snapshot → job → release → rollout), so each step names the one before it.
/// Persisted as JSON after every step, so a restarted collector resumes the cycle where it was.
public struct LearningLoop: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable {
        case idle, capturing, snapshotting, training, rollingOut, coolingDown
    }

    /// What the service observed.
    public enum Input: Sendable, Equatable {
        /// The newest drift report of the model: its id, whether alarms are raised, and the devices it blames.
        case drift(reportID: Int64, alarmed: Bool, cohorts: [String], devices: [String])
        /// An operator asked for a cycle on these devices (all reporting devices when empty).
        case operatorRequest(devices: [String])
        /// Labelled samples from the cycle's devices since capture began.
        case labelled(Int)
        case snapshotTaken(id: String, samples: Int)
        case jobQueued(id: String)
        case job(JobProgress)
        case rolloutStarted(id: String)
        case rollout(RolloutProgress)
        /// A step the service could not carry out (the reason ends the cycle).
        case failed(String)
        case tick
    }

    public enum JobProgress: Sendable, Equatable {
        case pending
        case succeeded(release: UInt64, blessed: Bool, reasons: [String])
        case failed(String)
    }

    public enum RolloutProgress: Sendable, Equatable {
        case running
        case completed
        case aborted(String)
    }

    /// What the service must do.
    public enum Action: Sendable, Equatable {
        case requestCapture(devices: [String], CaptureRequest)
        case takeSnapshot(devices: [String], since: Int64)
        case enqueueTraining(snapshot: String)
        case startRollout(release: UInt64)
        /// An event for the collector's log, `details` carrying the chain.
        case record(name: String, details: [String: String])
    }

    public var model: String
    public var phase: Phase = .idle
    /// Numbered from 1; 0 before the first cycle.
    public var cycle: Int = 0
    /// When the current phase began (ms since 1970).
    public var phaseSince: Int64 = 0
    /// The newest drift report seen: older or equal ones are never acted on again.
    public var lastDriftReport: Int64 = 0
    /// The cycle's chain.
    public var trigger: String?
    public var cohorts: [String] = []
    public var devices: [String] = []
    public var captureStartedAt: Int64?
    public var captureRequestedAt: Int64?
    public var labelled: Int = 0
    public var snapshot: String?
    public var job: String?
    public var candidate: UInt64?
    public var blessed: Bool?
    public var rollout: String?
    /// How the last cycle ended, for people (e.g. `blessed candidate 2 rolled out`).
    public var outcome: String?
    /// The policy's mode when the service last looked (`automatic` or `manual`), for people reading the state.
    public var mode: String?

    public init(model: String) {
        self.model = model
    }

    /// Applies one observation; returns what to do, in order.
    public mutating func handle(_ input: Input, policy: LearningLoopPolicy, now: Int64) -> [Action] {
        switch (phase, input) {
        case (.idle, .drift(let report, let alarmed, let cohorts, let devices)), (.coolingDown, .drift(let report, let alarmed, let cohorts, let devices)):
            guard report > lastDriftReport else { return [] }
            lastDriftReport = report
            guard phase == .idle, alarmed, policy.mode == .automatic, !devices.isEmpty else { return [] }
            return begin(trigger: "drift report \(report)", cohorts: cohorts, devices: devices, policy: policy, now: now)
        case (.idle, .operatorRequest(let devices)), (.coolingDown, .operatorRequest(let devices)):
            guard !devices.isEmpty else { return [] }
            return begin(trigger: "operator", cohorts: [], devices: devices, policy: policy, now: now)
        case (.coolingDown, .tick):
            if now - phaseSince >= Int64(policy.coolDownSeconds) * 1000 { enter(.idle, now: now) }
            return []
        case (.capturing, .labelled(let count)):
            labelled = count
            guard count >= policy.minimumLabelledSamples else { return [] }
            enter(.snapshotting, now: now)
            return [.takeSnapshot(devices: devices, since: captureStartedAt ?? now),
                    record("loop.labels.collected", ["labelled": "\(count)"])]
        case (.capturing, .tick):
            if now - phaseSince >= Int64(policy.labelTimeoutSeconds) * 1000 {
                return finish("failed: \(labelled) of \(policy.minimumLabelledSamples) labelled samples after \(policy.labelTimeoutSeconds) s", now: now)
            }
            if let requested = captureRequestedAt, now - requested >= Int64(policy.captureDurationSeconds) * 1000 {
                captureRequestedAt = now
                return [.requestCapture(devices: devices, captureRequest(policy))]
            }
            return []
        case (.snapshotting, .snapshotTaken(let id, let samples)):
            snapshot = id
            enter(.training, now: now)
            return [record("loop.snapshot.taken", ["samples": "\(samples)"]), .enqueueTraining(snapshot: id)]
        case (.training, .jobQueued(let id)):
            job = id
            return [record("loop.training.queued", [:])]
        case (.training, .job(.succeeded(let release, let isBlessed, let reasons))):
            candidate = release
            blessed = isBlessed
            guard isBlessed else {
                return finish("candidate \(release) refused by the gate: \(reasons.joined(separator: "; "))", now: now)
            }
            guard policy.rollout else { return finish("candidate \(release) blessed; waiting for a rollout", now: now) }
            enter(.rollingOut, now: now)
            return [record("loop.candidate.blessed", [:]), .startRollout(release: release)]
        case (.training, .job(.failed(let reason))):
            return finish("failed: training: \(reason)", now: now)
        case (.training, .tick):
            if now - phaseSince >= Int64(policy.trainingTimeoutSeconds) * 1000 {
                return finish("failed: training did not finish within \(policy.trainingTimeoutSeconds) s", now: now)
            }
            return []
        case (.rollingOut, .rolloutStarted(let id)):
            rollout = id
            return [record("loop.rollout.started", [:])]
        case (.rollingOut, .rollout(.completed)):
            return finish("candidate \(candidate.map(String.init) ?? "?") rolled out", now: now)
        case (.rollingOut, .rollout(.aborted(let reason))):
            return finish("rollout of candidate \(candidate.map(String.init) ?? "?") aborted: \(reason)", now: now)
        case (.capturing, .failed(let reason)), (.snapshotting, .failed(let reason)), (.training, .failed(let reason)),
             (.rollingOut, .failed(let reason)):
            return finish("failed: \(reason)", now: now)
        default:
            return []
        }
    }

    /// The cycle's chain and identity, for events.
    public var chain: [String: String] {
        var details = ["cycle": "\(cycle)"]
        if let trigger { details["trigger"] = trigger }
        if let snapshot { details["snapshot"] = snapshot }
        if let job { details["job"] = job }
        if let candidate { details["release"] = "\(candidate)" }
        if let rollout { details["rollout"] = rollout }
        return details
    }

    private mutating func begin(trigger: String, cohorts: [String], devices: [String], policy: LearningLoopPolicy, now: Int64) -> [Action] {
        cycle += 1
        self.trigger = trigger
        self.cohorts = cohorts
        self.devices = devices.sorted()
        captureStartedAt = now
        captureRequestedAt = now
        labelled = 0
        snapshot = nil
        job = nil
        candidate = nil
        blessed = nil
        rollout = nil
        outcome = nil
        enter(.capturing, now: now)
        return [record("loop.capture.requested", ["cohorts": cohorts.joined(separator: ","), "devices": "\(devices.count)"]),
                .requestCapture(devices: self.devices, captureRequest(policy))]
    }

    private mutating func finish(_ outcome: String, now: Int64) -> [Action] {
        self.outcome = outcome
        enter(.coolingDown, now: now)
        return [record("loop.cycle.finished", ["outcome": outcome])]
    }

    private mutating func enter(_ next: Phase, now: Int64) {
        phase = next
        phaseSince = now
    }

    private func captureRequest(_ policy: LearningLoopPolicy) -> CaptureRequest {
        CaptureRequest(randomRate: policy.captureRandomRate, maxPerHour: policy.captureMaxPerHour,
                       durationSeconds: policy.captureDurationSeconds, reason: "learning loop \(model) cycle \(cycle)")
    }

    private func record(_ name: String, _ extra: [String: String]) -> Action {
        .record(name: name, details: chain.merging(extra) { _, new in new })
    }
}
