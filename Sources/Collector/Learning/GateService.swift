import Bundles
import Foundation
import Gate
import Logging
import Training

/// Runs the blessing gate on registered versions: the only thing in the collector that sets `blessed`.
///
/// The candidate is judged on the snapshot's validation split; the champion (the version the `champion` alias
/// names, else the newest blessed release below the candidate) on the same rows and on its own evaluation set (the
/// validation split of the snapshot it was blessed on). The report is stored with the version and the flag set from
/// it in one transaction, and a `gate.blessed` or `gate.refused` event names the version, snapshot and evaluation.
public struct GateService: Sendable {
    let registry: ModelRegistry
    let datasets: DatasetService
    let store: any LearningStore & RegistryStore & FleetStore
    let settings: TrainingSettings
    let clock: any WallClock
    let logger: Logger
    /// Counts decisions per model (`edgefleet_gate_decisions_total`); nil in tests that need no metrics.
    let metrics: CollectorMetrics?

    public init(registry: ModelRegistry, datasets: DatasetService, store: any LearningStore & RegistryStore & FleetStore, settings: TrainingSettings,
                clock: any WallClock = SystemWallClock(), metrics: CollectorMetrics? = nil, logger: Logger) {
        self.metrics = metrics
        self.registry = registry
        self.datasets = datasets
        self.store = store
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// Evaluates `model` release `release` and stores the verdict.
    ///
    /// - Parameters:
    ///   - snapshotID: the snapshot to judge on; nil takes the one the version's lineage names.
    ///   - policy: thresholds; nil takes `training.gatePolicies[model]` or `training.gatePolicy`.
    ///   - floatReference: the float model when the collector trained the candidate itself.
    ///   - cause: what asked for it (a training job id), recorded in the event.
    public func evaluate(model: String, release: UInt64, snapshotID: String?, policy: GatePolicy? = nil, floatReference: FloatReference = .recomputed,
                         by actor: String, cause: String? = nil) async throws(CollectorError) -> (record: EvaluationRecord, report: GateReport) {
        guard let version = try await store.version(model: model, release: release) else {
            throw CollectorError(.notFound, "\(model) has no version with release counter \(release)")
        }
        let snapshotID = snapshotID ?? version.lineage.datasetSnapshotSHA256
        let snapshot = try await datasets.snapshot(id: snapshotID)
        guard snapshot.model == model else {
            throw CollectorError(.invalidRequest, "snapshot \(snapshotID.prefix(12)) holds data of \(snapshot.model), not \(model)")
        }
        let heldOut = try await datasets.dataset(snapshot, split: .validation)
        guard heldOut.rowCount > 0 else {
            throw CollectorError(.invalidRequest, "snapshot \(snapshotID.prefix(12)) has no validation samples to judge on (validationPercent \(snapshot.validationPercent))")
        }
        let candidate = try await gateModel(version, floatReference: floatReference)

        let versions = try await store.versions(model: model)
        let championVersion = versions.first { $0.aliases.contains("champion") && $0.release != release }
            ?? versions.first { $0.blessed && $0.release < release }
        var champion: GateModel?
        var championSet: Dataset?
        if let championVersion {
            champion = try await gateModel(championVersion, floatReference: .recomputed)
            if let blessing = try await store.evaluations(model: model, release: championVersion.release).first(where: \.blessed),
               blessing.snapshotID != snapshotID, let set = try await store.snapshot(id: blessing.snapshotID) {
                let rows = try await datasets.dataset(set, split: .validation)
                if rows.rowCount > 0 { championSet = rows }
            }
        }
        let profiles = try loadProfiles()
        let policy = policy ?? settings.policy(for: model)
        let report: GateReport
        do {
            report = try BlessingGate.evaluate(candidate: candidate, champion: champion, heldOut: heldOut, championEvaluationSet: championSet,
                                               profiles: profiles, policy: policy)
        } catch {
            throw CollectorError(.invalidRequest, "the gate could not judge \(model) release \(release): \(error.message)")
        }
        let json: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            json = String(decoding: try encoder.encode(report), as: UTF8.self)
        } catch {
            throw CollectorError(.storage, "encoding the gate report failed: \(error)")
        }
        let now = clock.now()
        let record = try await store.insert(EvaluationRecord(model: model, release: release, snapshotID: snapshotID, blessed: report.blessed,
                                                             reasons: report.reasons, report: json, evaluatedAt: now, evaluatedBy: actor))
        var details = ["release": "\(release)", "version": version.version, "digest": version.digest, "snapshot": snapshotID,
                       "evaluation": "\(record.id)", "by": actor, "champion": championVersion.map { "\($0.release)" } ?? "none"]
        if let cause { details["cause"] = cause }
        if !report.blessed { details["reasons"] = String(report.reasons.joined(separator: "; ").prefix(2000)) }
        try await store.record(CollectorEvent(name: report.blessed ? "gate.blessed" : "gate.refused", model: model, details: details), at: now)
        metrics?.gateDecided(model: model, blessed: report.blessed)
        logger.info("the gate judged a version", metadata: ["model": "\(model)", "release": "\(release)", "blessed": "\(report.blessed)",
                                                            "evaluation": "\(record.id)"])
        return (record, report)
    }

    /// The version's `.tflite`, read from its stored bundle and verified again.
    func gateModel(_ version: ModelVersionRecord, floatReference: FloatReference) async throws(CollectorError) -> GateModel {
        let bytes = try registry.repository.read(version.digest)
        let verified: VerifiedBundle
        do { verified = try registry.verifier().verify(bytes) } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.bundleRejected, "the stored bundle of \(version.model) release \(version.release) no longer verifies: \(error)")
        }
        do {
            return try GateModel(name: "\(version.model)@\(version.version) (release \(version.release))", bytes: verified.modelBytes,
                                 floatReference: floatReference)
        } catch {
            throw CollectorError(.invalidRequest, error.message)
        }
    }

    func loadProfiles() throws(CollectorError) -> [FirmwareProfile] {
        var profiles: [FirmwareProfile] = []
        for id in settings.gateProfiles {
            do { profiles.append(try FirmwareProfile.load(id, directory: settings.profilesDirectory)) } catch {
                throw CollectorError(.invalidConfiguration, "training.gateProfiles: \(id): \(error.message)")
            }
        }
        return profiles
    }
}
