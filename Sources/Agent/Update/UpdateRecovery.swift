import Bundles
import FleetProtocol
import Logging

/// What the agent settles at start-up, before any model is loaded: the update interrupted by the last exit,
/// and which verified model serves.
enum UpdateRecovery {
    /// Finishes what cannot wait for the services and returns the update to resume, if any.
    ///
    /// An agent that stopped while the candidate was serving unproven (switching with `active` already moved,
    /// or probation) rolls back: the candidate may be what made it stop. A rollback or commit that was under way
    /// is completed. Every other phase is resumed by the update service.
    static func settle(slots: SlotStore, outbox: Outbox, logger: Logger) throws -> UpdateRecord? {
        guard var record = try slots.readUpdate(), !record.phase.isTerminal else { return nil }
        let digest = record.assignment.digest
        func transition(to phase: UpdatePhase, error: UpdateError? = nil) throws {
            let previous = record.phase
            record.phase = phase
            record.updatedAt = SystemProbe.nowMilliseconds()
            if let error { record.error = ErrorInfo(code: error.code.rawValue, message: error.message) }
            try slots.writeUpdate(record)
            outbox.event(DeviceEvent(name: .updatePhase, update: UpdateProgress(
                assignmentID: record.assignment.assignmentID, phase: phase, previousPhase: previous,
                target: record.target, serving: nil), error: record.error))
            logger.info("update phase", metadata: ["assignment": "\(record.assignment.assignmentID)", "phase": "\(phase.rawValue)", "at": "start-up"])
        }
        let candidateIsActive = try slots.activeDigest() == digest
        if record.phase == .probation, record.interrupted == true, candidateIsActive {
            record.interrupted = nil
            try slots.writeUpdate(record)
            logger.info("resuming probation interrupted by a clean stop", metadata: ["assignment": "\(record.assignment.assignmentID)"])
            return record
        }
        let servedUnproven = record.phase == .probation || (record.phase == .switching && candidateIsActive)
        if servedUnproven {
            try transition(to: .rollingBack, error: UpdateError(.restartedDuringProbation,
                "the agent restarted while \(record.target.name) \(record.target.version) served on probation; rolling back"))
        }
        switch record.phase {
        case .rollingBack:
            if let previous = record.previousDigest { try slots.setActive(previous) }
            try slots.setPrevious(nil)
            if record.previousDigest != digest { try slots.removeSlot(digest) }
            try transition(to: .rolledBack)
            return nil
        case .committing:
            try slots.raiseFloor(to: record.target.releaseCounter)
            try slots.setPrevious(nil)
            for slot in try slots.slots() where slot != digest { try slots.removeSlot(slot) }
            try transition(to: .committed)
            return nil
        default:
            return record
        }
    }

    /// Loads the model to serve: `active`, else `previous`, else the configured initial bundle.
    ///
    /// Each is fully verified from its slot file. A bundle that cannot serve is reported (`model.fallback`)
    /// and the next is tried; with none left the agent cannot start.
    static func loadServingModel(slots: SlotStore, trust: TrustStore, profile: FirmwareProfile, initialBundle: String?,
                                 outbox: Outbox, logger: Logger) throws -> (LoadedModel, source: String) {
        var tried: [String] = []
        for (name, digest) in [("active", try slots.activeDigest()), ("previous", try slots.previousDigest())] {
            guard let digest, !tried.contains(digest) else { continue }
            tried.append(digest)
            let path = slots.slotPath(digest)
            do {
                let model = try ModelLoader.load(path: path, expectedDigest: digest,
                                                 verifier: installedBundleVerifier(path: path, trust: trust, slots: slots, profile: profile))
                if name != "active" { try slots.setActive(digest) }
                return (model, name)
            } catch {
                report(error, slot: name, digest: digest, outbox: outbox, logger: logger)
            }
        }
        if let initialBundle {
            do {
                guard let bytes = try DurableFiles.read(initialBundle) else { throw ModelError(.missing, "\(initialBundle) does not exist") }
                let digest = BundleDigest.sha256Hex(bytes)
                let floor = try slots.floor()
                let verifier = BundleVerifier(trust: trust, time: .systemClock(), floor: floor > 0 ? floor - 1 : 0, profile: profile)
                let model = try ModelLoader.load(bytes: bytes, digest: digest, verifier: verifier)
                try slots.install(bytes, digest: digest)
                try slots.setActive(digest)
                return (model, "initial")
            } catch {
                report(error, slot: "initial", digest: initialBundle, outbox: outbox, logger: logger)
            }
        }
        throw ModelError(.noModel, "no verified model to serve: "
            + (tried.isEmpty && initialBundle == nil
               ? "the state directory has no active bundle; set initialBundle to a signed bundle"
               : "every stored bundle and the initial bundle were refused (see the log)"))
    }

    /// Verifies a bundle already installed in a slot: key expiry is judged at the time it was installed (the
    /// file's modification time), so a model keeps serving after its release key expires, while revocation,
    /// tampering and the anti-rollback floor (its counter may equal the committed floor) still apply.
    static func installedBundleVerifier(path: String, trust: TrustStore, slots: SlotStore, profile: FirmwareProfile) throws -> BundleVerifier {
        let floor = try slots.floor()
        let installedAt = DurableFiles.modificationTime(path).map { VerificationTime.known(secondsSince1970: $0) } ?? .systemClock()
        return BundleVerifier(trust: trust, time: installedAt, floor: floor > 0 ? floor - 1 : 0, profile: profile)
    }

    private static func report(_ error: any Error, slot: String, digest: String, outbox: Outbox, logger: Logger) {
        logger.error("a stored bundle cannot serve", metadata: ["slot": "\(slot)", "bundle": "\(digest)", "error": "\(error)"])
        let code = (error as? ModelError)?.code.rawValue ?? "io"
        outbox.event(DeviceEvent(name: .modelFallback, error: ErrorInfo(code: code, message: "\(error)"),
                                 details: ["slot": slot, "bundle": digest]))
    }
}
