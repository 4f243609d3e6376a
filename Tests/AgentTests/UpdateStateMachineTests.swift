import Agent
import FleetProtocol
import XCTest

/// The update state machine in process: every transition, every failure, what each step persists, and the
/// decisions on `assign` and `cancel` commands. (The I/O parts and restarts are covered by UpdateEndToEndTests.)
final class UpdateStateMachineTests: XCTestCase {
    private static let digest = String(repeating: "ab", count: 32)
    private static let serving = String(repeating: "cd", count: 32)

    private static func assignment(shadow: Double? = nil, agreement: Double? = nil, probation: Double? = nil,
                                   digest: String = digest) -> Assignment {
        Assignment(assignmentID: "a-1", name: "kws", version: "2.0.0", digest: digest, size: 10_000, chunkSize: 4096,
                   shadowSeconds: shadow, minimumAgreement: agreement, probationSeconds: probation)
    }

    private static let target = BundleReference(name: "kws", version: "2.0.0", digest: digest, releaseCounter: 7)

    /// A machine started on `assignment`, with its first step checked.
    private func started(_ assignment: Assignment = assignment(), maxAttempts: Int = 2) -> UpdateStateMachine {
        let (machine, step) = UpdateStateMachine.start(assignment, servingDigest: Self.serving, maxAttempts: maxAttempts, now: 100)
        XCTAssertEqual(step.record.phase, .downloading)
        XCTAssertEqual(step.previousPhase, .downloading)
        XCTAssertEqual(step.record.previousDigest, Self.serving, "what a rollback returns to is persisted first")
        XCTAssertEqual(step.record.target.releaseCounter, 0, "unknown until verified")
        XCTAssertEqual(step.record.updatedAt, 100)
        XCTAssertEqual(machine.action, .download)
        return machine
    }

    /// Drives the machine through `outcomes`, checking that each step persists the phase that follows.
    @discardableResult
    private func drive(_ machine: inout UpdateStateMachine, _ outcomes: [(UpdateStateMachine.Outcome, UpdatePhase)],
                       line: UInt = #line) throws -> [UpdateStateMachine.Step] {
        var steps: [UpdateStateMachine.Step] = []
        for (index, (outcome, phase)) in outcomes.enumerated() {
            let before = machine.record.phase
            let step = try machine.handle(outcome, now: Int64(200 + index))
            XCTAssertEqual(step.record.phase, phase, "after \(outcome)", line: line)
            XCTAssertEqual(step.previousPhase, before, line: line)
            XCTAssertEqual(step.record, machine.record, "the step persists the machine's record", line: line)
            XCTAssertEqual(step.record.updatedAt, Int64(200 + index), line: line)
            steps.append(step)
        }
        return steps
    }

    func testTheHappyPathWithoutShadowMode() throws {
        var machine = started(Self.assignment(probation: 3))
        let steps = try drive(&machine, [
            (.downloaded, .verifying),
            (.verified(name: "kws", version: "2.0.0", releaseCounter: 7), .installing),
            (.installed, .healthCheck),
            (.healthy(target: Self.target, latencyMicros: 1234), .switching),
            (.switched(pauseMicros: 12), .probation),
            (.probationPassed, .committing),
            (.committed, .committed),
        ])
        XCTAssertEqual(steps[0].bytesReceived, 10_000)
        XCTAssertEqual(steps[1].record.target.releaseCounter, 7, "the release counter is persisted before installing")
        XCTAssertEqual(steps[3].healthLatencyMicros, 1234)
        XCTAssertEqual(steps[4].switchPauseMicros, 12)
        XCTAssertEqual(steps[4].healthLatencyMicros, 1234, "the switch report carries the health check's latency")
        XCTAssertTrue(steps.allSatisfy { $0.error == nil && $0.record.error == nil && !$0.removeCandidateFiles })
        XCTAssertTrue(machine.isFinished)
        XCTAssertEqual(machine.action, .none)
    }

    func testActionsOfEveryPhase() throws {
        var machine = started(Self.assignment(shadow: 2.5, probation: 4))
        var actions: [UpdateStateMachine.Action] = [machine.action]
        for outcome: UpdateStateMachine.Outcome in [
            .downloaded, .verified(name: "kws", version: "2.0.0", releaseCounter: 7), .installed,
            .healthy(target: Self.target, latencyMicros: 5), .shadowed(compared: 10, agreed: 10), .switched(pauseMicros: 1),
            .probationPassed, .committed,
        ] {
            _ = try machine.handle(outcome, now: 0)
            actions.append(machine.action)
        }
        XCTAssertEqual(actions, [.download, .verify, .install, .healthCheck, .shadow(seconds: 2.5), .switchModels,
                                 .probation(seconds: 4), .commit, .none])
        XCTAssertEqual(started().action, .download)
        var defaults = started()
        try drive(&defaults, [(.downloaded, .verifying), (.verified(name: "kws", version: "2.0.0", releaseCounter: 1), .installing),
                              (.installed, .healthCheck), (.healthy(target: Self.target, latencyMicros: 1), .switching),
                              (.switched(pauseMicros: 1), .probation)])
        XCTAssertEqual(defaults.action, .probation(seconds: nil), "no override: the configured probation period")
    }

    func testShadowModeAgreementAboveAndBelowTheMinimum() throws {
        var machine = started(Self.assignment(shadow: 1, agreement: 0.9))
        let steps = try drive(&machine, [
            (.downloaded, .verifying), (.verified(name: "kws", version: "2.0.0", releaseCounter: 7), .installing),
            (.installed, .healthCheck), (.healthy(target: Self.target, latencyMicros: 5), .shadow),
            (.shadowed(compared: 100, agreed: 95), .switching),
        ])
        XCTAssertEqual(steps.last?.agreementRate, 0.95)

        var refused = started(Self.assignment(shadow: 1, agreement: 0.9))
        try drive(&refused, [
            (.downloaded, .verifying), (.verified(name: "kws", version: "2.0.0", releaseCounter: 7), .installing),
            (.installed, .healthCheck), (.healthy(target: Self.target, latencyMicros: 5), .shadow),
        ])
        let failed = try refused.handle(.shadowed(compared: 100, agreed: 80), now: 0)
        XCTAssertEqual(failed.record.phase, .failed)
        XCTAssertEqual(failed.error?.code, .agreement)
        XCTAssertEqual(failed.record.error?.code, "agreement")
        XCTAssertTrue(failed.removeCandidateFiles)

        // Nothing compared (no input arrived): agreement 1, not a refusal.
        var idle = started(Self.assignment(shadow: 1, agreement: 0.9))
        try drive(&idle, [
            (.downloaded, .verifying), (.verified(name: "kws", version: "2.0.0", releaseCounter: 7), .installing),
            (.installed, .healthCheck), (.healthy(target: Self.target, latencyMicros: 5), .shadow),
        ])
        XCTAssertEqual(try idle.handle(.shadowed(compared: 0, agreed: 0), now: 0).agreementRate, 1)
    }

    func testDigestMismatchIsRetriedThenFails() throws {
        var machine = started(maxAttempts: 3)
        let first = try machine.handle(.digestMismatch(actual: "ee"), now: 1)
        XCTAssertEqual(first.record.phase, .downloading, "downloaded again")
        XCTAssertEqual(first.record.attempts, 1, "the attempt is persisted")
        XCTAssertEqual(first.error?.code, .digestMismatch)
        XCTAssertFalse(first.removeCandidateFiles)
        XCTAssertEqual(try machine.handle(.digestMismatch(actual: nil), now: 2).record.phase, .downloading)
        let last = try machine.handle(.digestMismatch(actual: "ee"), now: 3)
        XCTAssertEqual(last.record.phase, .failed)
        XCTAssertEqual(last.record.attempts, 3)
        XCTAssertTrue(last.error!.message.contains("attempt 3 of 3"), last.error!.message)
        XCTAssertTrue(last.removeCandidateFiles)

        // A retry that then succeeds clears the error.
        var retried = started()
        _ = try retried.handle(.digestMismatch(actual: "ee"), now: 1)
        let recovered = try retried.handle(.downloaded, now: 2)
        XCTAssertNil(recovered.record.error)
        XCTAssertEqual(recovered.record.phase, .verifying)
    }

    func testAnAbandonedDownloadFailsAtOnceAndRemovesTheCandidateFiles() throws {
        for error in [UpdateError(.downloadTimeout, "the download did not finish within its deadline"),
                      UpdateError(.excessData, "the source sent 9 chunks the announced size rules out")] {
            var machine = started(maxAttempts: 3)
            let step = try machine.handle(.downloadFailed(error), now: 5)
            XCTAssertEqual(step.record.phase, .failed, "not retried: the deadline covered the whole download")
            XCTAssertEqual(step.previousPhase, .downloading)
            XCTAssertEqual(step.error, error)
            XCTAssertEqual(step.record.error, ErrorInfo(code: error.code.rawValue, message: error.message), "the reason is persisted and reported")
            XCTAssertEqual(step.record.attempts, 0)
            XCTAssertTrue(step.removeCandidateFiles, "the partial download is removed")
            XCTAssertEqual(machine.action, .none)
        }
        var verifying = started()
        _ = try verifying.handle(.downloaded, now: 1)
        XCTAssertThrowsError(try verifying.handle(.downloadFailed(UpdateError(.downloadTimeout, "late")), now: 2)) { error in
            XCTAssertEqual((error as? UpdateError)?.code, .invalidTransition)
        }
    }

    func testVerificationFailures() throws {
        var refused = started()
        _ = try refused.handle(.downloaded, now: 0)
        let step = try refused.handle(.refused(UpdateError(.verification, "rollback: counter 1 is below the floor 5")), now: 1)
        XCTAssertEqual(step.record.phase, .failed)
        XCTAssertEqual(step.record.error, ErrorInfo(code: "verification", message: "rollback: counter 1 is below the floor 5"))
        XCTAssertTrue(step.removeCandidateFiles)

        var vanished = started()
        _ = try vanished.handle(.downloaded, now: 0)
        let again = try vanished.handle(.downloadVanished(UpdateError(.verification, "the download vanished")), now: 1)
        XCTAssertEqual(again.record.phase, .downloading, "fetched again, not failed")
        XCTAssertFalse(again.removeCandidateFiles)

        var mismatched = started()
        _ = try mismatched.handle(.downloaded, now: 0)
        let other = try mismatched.handle(.verified(name: "kws", version: "9.9.9", releaseCounter: 7), now: 1)
        XCTAssertEqual(other.record.phase, .failed)
        XCTAssertEqual(other.error?.code, .assignmentMismatch)
        XCTAssertEqual(other.record.target.releaseCounter, 0, "a refused manifest's counter is not recorded")
        var renamed = started()
        _ = try renamed.handle(.downloaded, now: 0)
        XCTAssertEqual(try renamed.handle(.verified(name: "other", version: "2.0.0", releaseCounter: 7), now: 1).error?.code,
                       .assignmentMismatch)
    }

    func testUnhealthyCandidateFailsInHealthCheckAndAfterAReloadInShadowOrSwitching() throws {
        for (shadow, extra) in [(nil, [(UpdateStateMachine.Outcome, UpdatePhase)]()),
                                (1.0, [(.healthy(target: Self.target, latencyMicros: 5), .shadow)]),
                                (nil, [(.healthy(target: Self.target, latencyMicros: 5), .switching)])] as [(Double?, [(UpdateStateMachine.Outcome, UpdatePhase)])] {
            var machine = started(Self.assignment(shadow: shadow))
            try drive(&machine, [(.downloaded, .verifying), (.verified(name: "kws", version: "2.0.0", releaseCounter: 7), .installing),
                                 (.installed, .healthCheck)] + extra)
            let failed = try machine.handle(.unhealthy(UpdateError(.healthCheck, "golden case 1 differs")), now: 0)
            XCTAssertEqual(failed.record.phase, .failed, "in \(failed.previousPhase)")
            XCTAssertEqual(failed.error?.code, .healthCheck)
            XCTAssertTrue(failed.removeCandidateFiles, "before the switch the serving model never changed")
        }
    }

    func testReloadAfterARestartRecordsTheTargetWithoutATransition() throws {
        var record = started().record
        record.phase = .switching
        var machine = UpdateStateMachine(record: record, maxAttempts: 2)
        machine.candidateReloaded(target: Self.target)
        XCTAssertEqual(machine.record.phase, .switching)
        XCTAssertEqual(machine.record.target, Self.target)
        let step = try machine.handle(.switched(pauseMicros: 3), now: 0)
        XCTAssertEqual(step.record.phase, .probation)
        XCTAssertNil(step.healthLatencyMicros, "not measured in this run")
    }

    func testProbationFailureRollsBackAndTheReasonStays() throws {
        var machine = started()
        try drive(&machine, [(.downloaded, .verifying), (.verified(name: "kws", version: "2.0.0", releaseCounter: 7), .installing),
                             (.installed, .healthCheck), (.healthy(target: Self.target, latencyMicros: 5), .switching),
                             (.switched(pauseMicros: 1), .probation)])
        let rollingBack = try machine.handle(.probationFailed(UpdateError(.probation, "error rate 0.5 is above 0.1")), now: 1)
        XCTAssertEqual(rollingBack.record.phase, .rollingBack)
        XCTAssertEqual(rollingBack.record.error?.code, "probation")
        XCTAssertFalse(rollingBack.removeCandidateFiles, "the rollback itself restores the previous bundle")
        XCTAssertEqual(machine.action, .rollBack)
        let rolledBack = try machine.handle(.rolledBack, now: 2)
        XCTAssertEqual(rolledBack.record.phase, .rolledBack)
        XCTAssertEqual(rolledBack.record.error?.code, "probation", "the reason is kept in the terminal record")
        XCTAssertNil(rolledBack.error)
        XCTAssertTrue(machine.isFinished)
    }

    func testOutcomesAPhaseCannotProduceAreRefusedAndChangeNothing() throws {
        var machine = started()
        let before = machine
        for outcome: UpdateStateMachine.Outcome in [.installed, .committed, .rolledBack, .probationPassed, .switched(pauseMicros: 1),
                                                    .shadowed(compared: 1, agreed: 1), .verified(name: "kws", version: "2.0.0", releaseCounter: 1)] {
            XCTAssertThrowsError(try machine.handle(outcome, now: 9)) { error in
                XCTAssertEqual((error as? UpdateError)?.code, .invalidTransition)
            }
        }
        XCTAssertEqual(machine, before)
        var finished = UpdateStateMachine(record: machine.record, maxAttempts: 2)
        _ = try finished.cancel(reason: "test", now: 1)
        XCTAssertThrowsError(try finished.handle(.downloaded, now: 2), "a finished update takes no outcome")
    }

    func testCancellationBeforeTheSwitchOnlyAndNothingToCancelAfterTheEnd() throws {
        var machine = started()
        let step = try XCTUnwrap(try machine.cancel(reason: "cancelled by command c-1", now: 5))
        XCTAssertEqual(step.record.phase, .failed)
        XCTAssertEqual(step.record.error, ErrorInfo(code: "cancelled", message: "cancelled by command c-1"))
        XCTAssertTrue(step.removeCandidateFiles)
        XCTAssertNil(try machine.cancel(reason: "again", now: 6), "already ended")
        XCTAssertFalse(try UpdateStateMachine.cancellable(nil))

        for phase in UpdatePhase.allCases where !phase.isTerminal {
            var record = started().record
            record.phase = phase
            var machine = UpdateStateMachine(record: record, maxAttempts: 2)
            if UpdateStateMachine.cancellablePhases.contains(phase) {
                XCTAssertEqual(try machine.cancel(reason: "x", now: 0)?.record.phase, .failed, "\(phase)")
            } else {
                XCTAssertThrowsError(try machine.cancel(reason: "x", now: 0), "\(phase)") { error in
                    XCTAssertEqual((error as? CommandRejection)?.code, .tooLate)
                }
                XCTAssertEqual(machine.record.phase, phase, "unchanged")
            }
        }
        XCTAssertEqual(UpdateStateMachine.cancellablePhases, [.downloading, .verifying, .installing, .healthCheck, .shadow])
    }

    func testAssignDecisions() {
        let assignment = Self.assignment()
        func plan(_ current: UpdateRecord?, serving: String = Self.serving, maximumSize: Int = 1 << 20) -> UpdateStateMachine.AssignPlan {
            UpdateStateMachine.plan(assign: assignment, current: current, servingDigest: serving, maximumSize: maximumSize)
        }
        XCTAssertEqual(plan(nil), .init(abandonCurrent: false, result: .start))
        XCTAssertEqual(plan(nil, maximumSize: 100).result,
                       .reject(CommandRejection(.invalidAssignment, "bundle size 10000 is not within 1…100 bytes")))
        XCTAssertEqual(plan(nil, serving: Self.digest).result,
                       .reject(CommandRejection(.alreadyServing, "bundle \(Self.digest.prefix(16)) already serves")))

        var current = started(Self.assignment(digest: String(repeating: "ef", count: 32))).record
        XCTAssertEqual(plan(current), .init(abandonCurrent: true, result: .start), "a newer assignment supersedes one not yet switched")
        XCTAssertEqual(plan(current, serving: Self.digest), .init(abandonCurrent: true, result: .reject(CommandRejection(.alreadyServing,
                       "bundle \(Self.digest.prefix(16)) already serves"))), "assigning what serves cancels the update in flight")
        current.phase = .probation
        XCTAssertEqual(plan(current).abandonCurrent, false)
        guard case .reject(let busy) = plan(current).result else { return XCTFail("busy expected") }
        XCTAssertEqual(busy.code, .busy)
        current.phase = .committed
        XCTAssertEqual(plan(current), .init(abandonCurrent: false, result: .start), "a finished update is no obstacle")

        let same = started(assignment).record
        XCTAssertEqual(plan(same), .init(abandonCurrent: false, result: .ignore), "the same bundle is already on its way")
    }
}
