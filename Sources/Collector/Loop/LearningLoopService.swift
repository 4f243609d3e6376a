import Logging
import ServiceLifecycle

/// Runs every model's ``LearningLoop``: looks at what changed (drift reports, labels, jobs, rollouts) every
/// `intervalSeconds`, feeds it to the model's loop, carries out the actions and stores the loop after each step.
///
/// Models watched: those with a policy of their own, and every registered model when the default policy is
/// automatic. A model in the middle of a cycle stays watched whatever its policy says now, so a cycle is never left
/// half-way. Failures of one step are logged and retried at the next interval; they never stop the service.
///
/// With several collectors on one PostgreSQL database only the leader (``Leadership``) steps the loops; the loops are
/// stored after every step, so a collector that takes over continues each cycle where the stored state says.
public final class LearningLoopService: Service, Sendable {
    let store: any LoopStore
    let ports: any LearningLoopPorts
    let settings: LearningLoopSettings
    let clock: any WallClock
    /// Only the leader steps the loops on the schedule (an operator's `start` is served by any collector).
    let leadership: any Leadership
    let logger: Logger

    public init(store: any LoopStore, ports: any LearningLoopPorts, settings: LearningLoopSettings, clock: any WallClock = SystemWallClock(),
                leadership: any Leadership = SoleLeadership(), logger: Logger) {
        self.leadership = leadership
        self.store = store
        self.ports = ports
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        guard settings.enabled else { return }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let interval = Duration.milliseconds(Int64(settings.intervalSeconds * 1000))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            await leadership.leading { await stepAll() }
        }
    }

    /// One look at every watched model.
    public func stepAll() async {
        let models: [String]
        do { models = try await watchedModels() } catch {
            logger.warning("learning loop could not list models; retrying at the next interval", metadata: ["error": "\(error.message)"])
            return
        }
        for model in models {
            do { _ = try await step(model: model) } catch {
                logger.warning("learning loop step failed; retrying at the next interval", metadata: ["model": "\(model)", "error": "\(error.message)"])
            }
        }
    }

    /// An operator's request to start a cycle now on `devices` (every device reporting the model when empty).
    public func start(model: String, devices: [String]) async throws(CollectorError) -> LearningLoop {
        var loop = try await store.learningLoop(model: model) ?? LearningLoop(model: model)
        guard loop.phase == .idle || loop.phase == .coolingDown else {
            throw CollectorError(.conflict, "the learning loop of \(model) is in cycle \(loop.cycle) (\(loop.phase.rawValue)); wait until it ends")
        }
        let targets = devices.isEmpty ? try await ports.reportingDevices(model: model) : devices
        guard !targets.isEmpty else { throw CollectorError(.invalidRequest, "no device reports \(model): nothing to capture from") }
        let actions = loop.handle(.operatorRequest(devices: targets), policy: settings.policy(for: model), now: clock.now())
        try await carryOut(actions, loop: &loop)
        return loop
    }

    /// One look at one model; returns the loop as stored afterwards.
    public func step(model: String) async throws(CollectorError) -> LearningLoop {
        var loop = try await store.learningLoop(model: model) ?? LearningLoop(model: model)
        let policy = settings.policy(for: model)
        if loop.mode != policy.mode.rawValue {
            loop.mode = policy.mode.rawValue
            try await store.save(loop)
        }
        var inputs: [LearningLoop.Input] = [.tick]
        switch loop.phase {
        case .idle, .coolingDown:
            if let drift = try await ports.newestDrift(model: model) { inputs.append(drift) }
        case .capturing:
            inputs.append(.labelled(try await ports.labelledSamples(model: model, devices: loop.devices, since: loop.captureStartedAt ?? 0)))
        case .snapshotting:
            // Interrupted between deciding and taking the snapshot (a restart): take it now. Snapshots are
            // content-addressed, so taking the same one twice gives the same snapshot.
            try await carryOut([.takeSnapshot(devices: loop.devices, since: loop.captureStartedAt ?? 0)], loop: &loop)
        case .training:
            if let job = loop.job {
                inputs.append(.job(try await ports.job(job)))
            } else if let snapshot = loop.snapshot {
                try await carryOut([.enqueueTraining(snapshot: snapshot)], loop: &loop)
            }
        case .rollingOut:
            if let rollout = loop.rollout {
                inputs.append(.rollout(try await ports.rollout(rollout)))
            } else if let release = loop.candidate {
                try await carryOut([.startRollout(release: release)], loop: &loop)
            }
        }
        for input in inputs {
            let before = loop
            let actions = loop.handle(input, policy: policy, now: clock.now())
            if loop != before || !actions.isEmpty { try await carryOut(actions, loop: &loop) }
        }
        return loop
    }

    /// Stores the loop, then carries out each action, feeding results back (which may produce more actions).
    private func carryOut(_ actions: [LearningLoop.Action], loop: inout LearningLoop) async throws(CollectorError) {
        try await store.save(loop)
        var pending = actions
        let policy = settings.policy(for: loop.model)
        while !pending.isEmpty {
            let action = pending.removeFirst()
            var result: LearningLoop.Input?
            do throws(CollectorError) {
                switch action {
                case .record(let name, let details):
                    try await ports.record(CollectorEvent(name: name, model: loop.model, details: details))
                case .requestCapture(let devices, let request):
                    try await ports.requestCapture(devices: devices, request, cause: loop.chain)
                case .takeSnapshot(let devices, let since):
                    let snapshot = try await ports.takeSnapshot(model: loop.model, devices: devices, since: since, cause: loop.chain)
                    result = .snapshotTaken(id: snapshot.id, samples: snapshot.samples)
                case .enqueueTraining(let snapshot):
                    result = .jobQueued(id: try await ports.enqueueTraining(model: loop.model, snapshot: snapshot, cause: loop.chain))
                case .startRollout(let release):
                    result = .rolloutStarted(id: try await ports.startRollout(model: loop.model, release: release, gates: policy.rolloutGates,
                                                                             cause: loop.chain))
                }
            } catch {
                if case .record = action { throw error }
                logger.warning("learning loop step failed", metadata: ["model": "\(loop.model)", "cycle": "\(loop.cycle)", "error": "\(error.message)"])
                result = .failed(error.message)
            }
            if let result {
                pending += loop.handle(result, policy: policy, now: clock.now())
                try await store.save(loop)
            }
        }
    }

    private func watchedModels() async throws(CollectorError) -> [String] {
        var names = Set(settings.models.keys)
        if settings.defaultPolicy.mode == .automatic { names.formUnion(try await ports.registeredModels()) }
        for loop in try await store.learningLoops() where loop.phase != .idle { names.insert(loop.model) }
        return names.sorted()
    }
}
