import FleetProtocol

/// The over-the-air update as a pure state machine: which action each phase calls for, and which phase (and
/// persisted record) each outcome of that action leads to.
///
/// No I/O, no clock, no model: ``UpdateService`` performs the ``action`` with its I/O parts (``ChunkDownloader``,
/// ``BundleInstaller``, ``ShadowComparator``, the switchboard), feeds the outcome to ``handle(_:now:)``, and must
/// write the returned ``Step/record`` to `update.json` (and report it) **before** it acts on the new phase: a
/// restart then resumes from the phase the agent had committed to. The phases:
///
/// ```
/// downloading ─▶ verifying ─▶ installing ─▶ healthCheck ─▶ [shadow] ─▶ switching ─▶ probation ─▶ committing ─▶ committed
///   │  ▲ digest mismatch (retried up to maxAttempts)           │             │               └─▶ rollingBack ─▶ rolledBack
///   │  └──────── download vanished ◀─┤                         │             │
///   └──────────────────────────────── failed ◀─────────────────┴─────────────┘  (refused, unhealthy, disagreeing, cancelled,
///                                                                                   download timed out or sent excess data)
/// ```
///
/// Before the switch, a failure ends in `failed` (the serving model never changed; the step says which files
/// to remove); after it, only probation decides, and a failure there rolls back. A value type: copy it freely.
public struct UpdateStateMachine: Sendable, Equatable {
    /// What the service must do in the current phase.
    public enum Action: Sendable, Equatable {
        /// Fetch the missing chunks into the download file and check its SHA-256.
        case download
        /// Verify the downloaded bundle fully (trust chain, floor, profile).
        case verify
        /// Move the verified download into its slot durably.
        case install
        /// Load the candidate from its slot and run its golden cases, latency and memory checks.
        case healthCheck
        /// Run the candidate beside the serving model for this long.
        case shadow(seconds: Double)
        /// Point `active` at the candidate and switch the loop between two inferences.
        case switchModels
        /// Watch the candidate's error rate and latency for this long (nil: the configured default).
        case probation(seconds: Double?)
        /// Raise the floor to the candidate's release counter and free the other slots.
        case commit
        /// Point `active` back at the previous bundle and switch back to it.
        case rollBack
        /// Nothing: the update has ended.
        case none
    }

    /// What an action came to.
    public enum Outcome: Sendable, Equatable {
        /// The download is complete and its SHA-256 is the assignment's digest.
        case downloaded
        /// The download is complete but its SHA-256 differs (nil: unreadable); it was removed.
        case digestMismatch(actual: String?)
        /// The download was abandoned: it missed its deadline, stalled, or the source sent more than the
        /// announced size allows (``UpdateError/Code/downloadTimeout``, ``UpdateError/Code/excessData``).
        case downloadFailed(UpdateError)
        /// Verification passed; the manifest names this model, version and release counter.
        case verified(name: String, version: String, releaseCounter: UInt64)
        /// Verification refused the bundle (the download is still there).
        case refused(UpdateError)
        /// The download disappeared before verification (it is fetched again).
        case downloadVanished(UpdateError)
        /// The bundle is in its slot.
        case installed
        /// The candidate passed its health check; `target` is what it is (from its slot's manifest).
        case healthy(target: BundleReference, latencyMicros: UInt64)
        /// The candidate failed its health check or could not be loaded.
        case unhealthy(UpdateError)
        /// Shadow mode ended: the candidate agreed with the serving model on `agreed` of `compared` inputs.
        case shadowed(compared: UInt64, agreed: UInt64)
        /// The loop serves the candidate; the switch paused inference for this long.
        case switched(pauseMicros: UInt64)
        /// Probation ended without a reason to roll back.
        case probationPassed
        /// Probation found a reason to roll back.
        case probationFailed(UpdateError)
        /// The floor is raised and the other slots are freed.
        case committed
        /// The previous bundle serves again.
        case rolledBack
    }

    /// A transition: the record to persist before anything else happens, and what to report with it.
    public struct Step: Sendable, Equatable {
        /// Write this to `update.json` first, then report it, then act on its phase.
        public var record: UpdateRecord
        public var previousPhase: UpdatePhase
        /// Why the update failed, rolled back or retried (also in `record.error`).
        public var error: UpdateError?
        /// The bytes received (the whole bundle), reported when the download completes.
        public var bytesReceived: Int?
        public var agreementRate: Double?
        public var switchPauseMicros: UInt64?
        public var healthLatencyMicros: UInt64?
        /// The update failed before the switch: remove the download, and the candidate's slot unless it is active.
        public var removeCandidateFiles: Bool
    }

    /// The persisted state: the phase, the assignment, the target, attempts, the last error.
    public private(set) var record: UpdateRecord
    /// Downloads with a wrong digest allowed before the update fails.
    public let maxAttempts: Int
    /// The candidate's health-check latency, carried to the report of the switch (not persisted).
    public private(set) var healthLatencyMicros: UInt64?

    /// Resumes (or starts) from a persisted record.
    public init(record: UpdateRecord, maxAttempts: Int) {
        self.record = record
        self.maxAttempts = max(1, maxAttempts)
    }

    /// A new update of `assignment` while `servingDigest` serves: its first step (into `downloading`) to persist.
    public static func start(_ assignment: Assignment, servingDigest: String, maxAttempts: Int, now: Int64) -> (UpdateStateMachine, Step) {
        let target = BundleReference(name: assignment.name, version: assignment.version, digest: assignment.digest, releaseCounter: 0)
        let record = UpdateRecord(assignment: assignment, phase: .downloading, previousDigest: servingDigest, target: target, updatedAt: now)
        var machine = UpdateStateMachine(record: record, maxAttempts: maxAttempts)
        let step = machine.move(to: .downloading, now: now)
        return (machine, step)
    }

    /// The phases a `cancel` command (or a newer assignment) may still end: everything before the switch.
    public static let cancellablePhases: Set<UpdatePhase> = [.downloading, .verifying, .installing, .healthCheck, .shadow]

    /// What the current phase calls for.
    public var action: Action {
        switch record.phase {
        case .downloading: .download
        case .verifying: .verify
        case .installing: .install
        case .healthCheck: .healthCheck
        case .shadow: .shadow(seconds: record.assignment.shadowSeconds ?? 0)
        case .switching: .switchModels
        case .probation: .probation(seconds: record.assignment.probationSeconds)
        case .committing: .commit
        case .rollingBack: .rollBack
        case .committed, .rolledBack, .failed: .none
        }
    }

    /// Whether the update has ended.
    public var isFinished: Bool { record.phase.isTerminal }

    /// Applies the outcome of the current action; returns the step to persist and report.
    ///
    /// Throws ``UpdateError/Code/invalidTransition`` (and changes nothing) for an outcome the current phase
    /// cannot produce: a programming error in the caller, never a reason to lose the persisted state.
    public mutating func handle(_ outcome: Outcome, now: Int64) throws(UpdateError) -> Step {
        switch (record.phase, outcome) {
        case (.downloading, .downloaded):
            return move(to: .verifying, now: now, bytesReceived: record.assignment.size)
        case (.downloading, .digestMismatch(let actual)):
            record.attempts += 1
            let error = UpdateError(.digestMismatch,
                "the downloaded file's SHA-256 is \(actual ?? "unreadable"), the assignment says \(record.assignment.digest) (attempt \(record.attempts) of \(maxAttempts))")
            return record.attempts >= maxAttempts ? fail(error, now: now) : move(to: .downloading, now: now, error: error)
        case (.downloading, .downloadFailed(let error)):
            // Not retried: the deadline already covered the whole download, and a source that sends endless data
            // would send it again. The collector (or the operator) may assign the bundle again.
            return fail(error, now: now)
        case (.verifying, .verified(let name, let version, let releaseCounter)):
            guard name == record.assignment.name, version == record.assignment.version else {
                return fail(UpdateError(.assignmentMismatch,
                    "the bundle holds \(name) \(version), the assignment announced \(record.assignment.name) \(record.assignment.version)"), now: now)
            }
            record.target.releaseCounter = releaseCounter
            return move(to: .installing, now: now)
        case (.verifying, .refused(let error)):
            return fail(error, now: now)
        case (.verifying, .downloadVanished(let error)):
            return move(to: .downloading, now: now, error: error)
        case (.installing, .installed):
            return move(to: .healthCheck, now: now)
        case (.healthCheck, .healthy(let target, let latency)):
            record.target = target
            healthLatencyMicros = latency
            let next: UpdatePhase = (record.assignment.shadowSeconds ?? 0) > 0 ? .shadow : .switching
            return move(to: next, now: now, healthLatencyMicros: latency)
        case (.healthCheck, .unhealthy(let error)), (.shadow, .unhealthy(let error)), (.switching, .unhealthy(let error)):
            // Shadow and switching reload the candidate after a restart, and check it again.
            return fail(error, now: now)
        case (.shadow, .shadowed(let compared, let agreed)):
            let rate = compared == 0 ? 1.0 : Double(agreed) / Double(compared)
            if let minimum = record.assignment.minimumAgreement, compared > 0, rate < minimum {
                return fail(UpdateError(.agreement,
                    "the candidate agreed with the serving model on \(agreed) of \(compared) inputs (\(rate)), below \(minimum)"), now: now)
            }
            return move(to: .switching, now: now, agreementRate: rate)
        case (.switching, .switched(let pause)):
            let latency = healthLatencyMicros
            healthLatencyMicros = nil
            return move(to: .probation, now: now, switchPauseMicros: pause, healthLatencyMicros: latency)
        case (.probation, .probationPassed):
            return move(to: .committing, now: now)
        case (.probation, .probationFailed(let error)):
            return move(to: .rollingBack, now: now, error: error)
        case (.committing, .committed):
            return move(to: .committed, now: now)
        case (.rollingBack, .rolledBack):
            return move(to: .rolledBack, now: now)
        default:
            throw UpdateError(.invalidTransition, "\(outcome) is not an outcome of the \(record.phase.rawValue) phase")
        }
    }

    /// The candidate was loaded (and checked) again after a restart in `shadow` or `switching`: no transition,
    /// only the target it describes. A failed reload is ``Outcome/unhealthy(_:)``.
    public mutating func candidateReloaded(target: BundleReference) {
        record.target = target
    }

    /// Ends the update on command (or for a newer assignment); nil when it already ended.
    ///
    /// Throws ``CommandRejection/Code/tooLate`` once the models were switched: then only probation decides.
    public mutating func cancel(reason: String, now: Int64) throws(CommandRejection) -> Step? {
        guard try Self.cancellable(record) else { return nil }
        return fail(UpdateError(.cancelled, reason), now: now)
    }

    /// Whether a `cancel` command would end `record`'s update: false when there is none or it ended; throws
    /// ``CommandRejection/Code/tooLate`` once the models were switched.
    public static func cancellable(_ record: UpdateRecord?) throws(CommandRejection) -> Bool {
        guard let record, !record.phase.isTerminal else { return false }
        guard cancellablePhases.contains(record.phase) else {
            throw CommandRejection(.tooLate,
                "the update already switched models (\(record.phase.rawValue)); it finishes with commit or rollback")
        }
        return true
    }

    private mutating func fail(_ error: UpdateError, now: Int64) -> Step {
        var step = move(to: .failed, now: now, error: error)
        step.removeCandidateFiles = true
        return step
    }

    /// The one place the record changes phase: the error is set, or cleared (a rollback keeps the reason).
    private mutating func move(to phase: UpdatePhase, now: Int64, error: UpdateError? = nil, bytesReceived: Int? = nil,
                               agreementRate: Double? = nil, switchPauseMicros: UInt64? = nil,
                               healthLatencyMicros: UInt64? = nil) -> Step {
        let previous = record.phase
        record.phase = phase
        record.updatedAt = now
        if let error {
            record.error = ErrorInfo(code: error.code.rawValue, message: error.message)
        } else if phase != .rolledBack {
            record.error = nil
        }
        return Step(record: record, previousPhase: previous, error: error, bytesReceived: bytesReceived, agreementRate: agreementRate,
                    switchPauseMicros: switchPauseMicros, healthLatencyMicros: healthLatencyMicros, removeCandidateFiles: false)
    }
}
