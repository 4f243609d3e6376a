import Bundles
import Drift
import FleetProtocol
import Logging
import ServiceLifecycle
import Synchronization

/// Computes drift for every model version devices run: on a schedule and on request.
///
/// For each version with devices, it reads the last `windowMinutes` of the devices' minute rollups (one query), runs
/// ``DriftEvaluation`` against the bundle's baseline under the model's policy and the stored alarm state, stores the
/// report with the new state, records `drift.detected` / `drift.cleared` events for alarms that changed, and sets the
/// `edgefleet_drift_*` gauges. Baselines are read from the bundle store once per digest (bundles are immutable).
public final class DriftMonitor: Service, Sendable {
    let store: any CollectorStore
    let repository: BundleRepository
    let settings: DriftSettings
    let metrics: CollectorMetrics
    let clock: any WallClock
    /// Only the leader runs the schedule (on-demand evaluations run anywhere).
    let leadership: any Leadership
    let logger: Logger
    private let baselines = Mutex<[String: DriftBaseline]>([:])

    public init(store: any CollectorStore, repository: BundleRepository, settings: DriftSettings, metrics: CollectorMetrics,
                clock: any WallClock = SystemWallClock(), leadership: any Leadership = SoleLeadership(), logger: Logger) {
        self.store = store
        self.leadership = leadership
        self.repository = repository
        self.settings = settings
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        guard settings.enabled else { return }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let interval = Duration.milliseconds(Int64(settings.intervalSeconds * 1000))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            await leadership.leading {
                do throws(CollectorError) {
                    for model in try await store.models() {
                        _ = try await evaluate(model: model.name, trigger: "schedule")
                    }
                } catch {
                    logger.warning("scheduled drift computation failed; retrying at the next interval", metadata: ["error": "\(error.message)"])
                }
            }
        }
    }

    /// Computes and stores a report for every version of `model` that devices run now; newest version first.
    ///
    /// Throws `notFound` for an unknown model; a version whose bundle has no usable baseline is skipped and logged.
    public func evaluate(model: String, trigger: String) async throws(CollectorError) -> [DriftReportRecord] {
        let versions = try await store.versions(model: model)
        guard !versions.isEmpty else { throw CollectorError(.notFound, "no model named \(model) is registered") }
        let devices = try await store.devices(DeviceFilter(model: model))
        let now = clock.now()
        let window = TimeRange(from: RollupResolution.minute.bucket(containing: now - Int64(settings.windowMinutes) * 60_000),
                               to: RollupResolution.minute.bucket(containing: now) + 60_000)
        let policy = settings.policy(for: model)
        var reports: [DriftReportRecord] = []
        for version in versions.sorted(by: { $0.release > $1.release }) {
            let running = devices.filter { $0.currentBundle?.digest == version.digest }
            guard !running.isEmpty else {
                logger.debug("no device runs this version; no drift computed", metadata: ["model": "\(model)", "version": "\(version.version)"])
                continue
            }
            guard let baseline = baseline(version.digest) else { continue }
            let totals = try await store.rollupTotals(deviceIDs: running.map(\.id), range: window)
            let inputs = running.map { device in
                let total = totals[device.id]
                return DriftWindowInput(deviceID: device.id, cohorts: Self.cohorts(of: device, version: version.version),
                                        features: total?.features ?? [], predictions: total?.predictions ?? [])
            }
            let previous = try await store.driftHysteresis(model: model, digest: version.digest)
            let previousReport = try await store.driftReports(model: model, digest: version.digest, limit: 1).first
            let outcome: DriftEvaluation.Outcome
            do {
                outcome = try DriftEvaluation.evaluate(model: model, version: version.version, digest: version.digest, baseline: baseline,
                                                       windows: inputs, policy: policy, hysteresis: previous, computedAt: now, window: window,
                                                       trigger: trigger, previousReport: previousReport)
            } catch {
                throw CollectorError(.invalidRequest, "drift of \(model) \(version.version) cannot be computed: \(error)")
            }
            let stored = try await store.insert(outcome.report, hysteresis: outcome.hysteresis)
            logger.info("drift computed", metadata: [
                "model": "\(model)", "version": "\(version.version)", "devices": "\(stored.devices)", "verdict": "\(stored.verdict.rawValue)",
                "alarms": "\(stored.alarms.count)", "skipped": "\(stored.skippedDevices.count)", "report": "\(stored.id)",
            ])
            for change in stored.changes {
                var details = ["feature": change.feature, "kind": change.kind.rawValue, "version": version.version, "digest": version.digest,
                               "report": String(stored.id), "score": String(change.score)]
                if !change.cohorts.isEmpty { details["cohorts"] = change.cohorts.joined(separator: ",") }
                if !change.devices.isEmpty { details["devices"] = change.devices.prefix(20).joined(separator: ",") }
                let name = change.moved ? "drift.moved" : change.raised ? "drift.detected" : "drift.cleared"
                try await store.record(CollectorEvent(name: name,
                                                      deviceID: change.devices.count == 1 ? change.devices[0] : nil, model: model,
                                                      details: details), at: now)
                logger.notice(change.moved ? "drift moved" : change.raised ? "drift detected" : "drift cleared", metadata: [
                    "model": "\(model)", "version": "\(version.version)", "feature": "\(change.feature)", "kind": "\(change.kind.rawValue)",
                ])
            }
            for attributed in stored.attribution.features {
                metrics.setDrift(model: model, feature: attributed.feature, score: DriftEvaluation.score(of: attributed, in: stored.attribution),
                                 alarm: stored.alarms.contains(attributed.feature))
            }
            reports.append(stored)
        }
        if let newest = reports.first { metrics.setDriftVerdict(model: model, rank: Self.rank(newest.verdict)) }
        return reports
    }

    static func rank(_ verdict: DriftVerdict) -> Int {
        switch verdict {
        case .insufficientData: 0
        case .noDrift: 1
        case .warning: 2
        case .drift: 3
        }
    }

    /// A device's cohorts: its profile, first group and first tag (sorted), and the model version it runs.
    static func cohorts(of device: DeviceRecord, version: String) -> [String: String] {
        var cohorts = ["version": version]
        if let profile = device.profile { cohorts["profile"] = profile }
        if let group = device.groups.sorted().first { cohorts["group"] = group }
        if let tag = device.tags.sorted().first { cohorts["tag"] = tag }
        return cohorts
    }

    /// The bundle's drift baseline, cached per digest; nil (logged) when the bundle is missing or has none usable.
    func baseline(_ digest: String) -> DriftBaseline? {
        if let cached = baselines.withLock({ $0[digest] }) { return cached }
        do {
            let file = try BundleFile(parsing: try repository.read(digest))
            let baseline = try DriftBaseline.decode(file.baselineBytes)
            guard !baseline.allFeatures.isEmpty || baseline.predictions.counts.count >= 2 else {
                logger.info("bundle has no drift baseline; skipping its drift", metadata: ["digest": "\(digest)"])
                return nil
            }
            baselines.withLock { $0[digest] = baseline }
            return baseline
        } catch {
            logger.warning("cannot read a bundle's drift baseline", metadata: ["digest": "\(digest)", "error": "\(error)"])
            return nil
        }
    }
}
