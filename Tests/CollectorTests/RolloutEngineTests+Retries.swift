@testable import Collector
import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// Install timeouts with bounded retries and backoff, persisted across a restart; unanswered rollbacks sent again.
extension RolloutEngineTests {
    func engine(settings: RolloutSettings) -> RolloutEngine {
        RolloutEngine(store: store, actuator: fleet, settings: settings,
                      profiles: RolloutEngine.loadProfiles(Fixtures.root.appendingPathComponent("firmware-profiles").path, logger: CollectorHarness.logger),
                      clock: clock, logger: CollectorHarness.logger)
    }

    func testASilentDeviceIsSentItsAssignmentAgainWithBackoffThenCountsAsAFailedInstall() async throws {
        try await bless()
        try await reportAll(running: [])
        clock.advance(by: 60_000)
        let settings = RolloutSettings(rollbackRetrySeconds: 10, maximumRollbackAttempts: 2, installTimeoutSeconds: 30, installRetries: 2,
                                       strategy: RolloutFixtures.strategy(bakeSeconds: 3600))
        var engine = engine(settings: settings)
        let created = try await engine.create(request())
        await engine.step()
        let canary = created.plan.waves[0]
        XCTAssertEqual(Set(fleet.assigned), Set(canary))
        let (answering, silent) = (canary[0], canary[1])
        try await phase(answering, .probation, assignment: try XCTUnwrap(fleet.assignmentID(answering)), target: candidateBundle)

        clock.advance(by: 29_000)
        await engine.step()
        XCTAssertEqual(fleet.resent, [], "not before the timeout")
        clock.advance(by: 1_000)
        await engine.step()
        XCTAssertEqual(fleet.resent, [silent], "the silent device, not the one serving it in probation")
        var rollout = try await stored(created.id)
        XCTAssertEqual(rollout.installs?.attempts[silent], 2)
        XCTAssertEqual(rollout.installs?.finished, [answering])

        // A restarted collector continues the backoff from the stored state: the second wait is twice as long.
        store = try SQLiteStore(path: directory.appendingPathComponent("collector.sqlite").path, logger: CollectorHarness.logger)
        engine = self.engine(settings: settings)
        clock.advance(by: 59_000)
        await engine.step()
        XCTAssertEqual(fleet.resent, [silent])
        clock.advance(by: 1_000)
        await engine.step()
        XCTAssertEqual(fleet.resent, [silent, silent])
        clock.advance(by: 119_000)
        await engine.step()
        rollout = try await stored(created.id)
        XCTAssertEqual(rollout.status, .running, "out of retries only after 120 s more")
        clock.advance(by: 1_000)
        await engine.step()
        rollout = try await stored(created.id)
        let reason = try XCTUnwrap(rollout.installs?.timedOut[silent])
        XCTAssertTrue(reason.contains("no install report within 30.0 s (doubling) after 3 sends; last phase none"), reason)
        XCTAssertEqual(fleet.assigned.count, 2, "retries resend the stored assignment; no second assignment")
        XCTAssertEqual(rollout.status, .rollingBack, rollout.decisions.map { "\($0.kind): \($0.reason)" }.joined(separator: "\n"))
        let failed = try XCTUnwrap(rollout.decisions.first { $0.kind == "gate.failed" })
        XCTAssertTrue(failed.gates?.contains { $0.gate == "install" && $0.verdict == .fail } ?? false, failed.reason)
        let retried = try await store.events(EventFilter(name: "rollout.device.retried"))
        XCTAssertEqual(retried.map(\.deviceID), [silent, silent])
        XCTAssertEqual(retried.first?.details["attempt"], "3")
        let timedOut = try await store.events(EventFilter(name: "rollout.device.timed_out"))
        XCTAssertEqual(timedOut.map(\.deviceID), [silent])
        XCTAssertEqual(timedOut.first?.details["kind"], "install")
        // The rollout page shows the installs: one finished, one sent again and never answered, with its reason.
        let page = DashboardRoutes.rolloutPage(rollout, now: clock.now())
        XCTAssertEqual(page.installsFinished, 1)
        XCTAssertEqual(page.installsRetried, 1)
        XCTAssertEqual(page.timeoutsCount, 1)
        XCTAssertEqual(page.timeouts.first?.device, silent)
        XCTAssertEqual(page.timeouts.first?.kind, "install")
        let html = try XCTUnwrap(try DashboardTemplates.library().render(page, withTemplate: "rollout"))
        XCTAssertTrue(html.contains("<table id=\"timeouts\">"), html)
        XCTAssertTrue(html.contains(">\(silent)</a></td><td>install</td><td>no install report within 30.0 s"), html)
        XCTAssertTrue(html.contains("1 finished · 0 awaited · 1 sent again · 1 never answered"), html)

        // Rolling back: the device serving the version gets `rollback` again when it does not answer, then is
        // recorded as never acknowledging (and still counted back when it does return).
        await engine.step()
        XCTAssertEqual(fleet.rollbacks, [answering], "the silent device never switched: it is back already")
        clock.advance(by: 10_000)
        await engine.step()
        XCTAssertEqual(fleet.rollbacks, [answering, answering])
        clock.advance(by: 20_000)
        await engine.step()
        rollout = try await stored(created.id)
        XCTAssertEqual(fleet.rollbacks.count, 2, "at most maximumRollbackAttempts")
        XCTAssertNotNil(rollout.installs?.rollbackTimedOut[answering])
        let rollbackTimeouts = try await store.events(EventFilter(name: "rollout.device.timed_out")).filter { $0.details["kind"] == "rollback" }
        XCTAssertEqual(rollbackTimeouts.map(\.deviceID), [answering])
        try await phase(answering, .rolledBack, assignment: try XCTUnwrap(fleet.assignmentID(answering)), target: candidateBundle)
        try await reportAll(running: [])
        await engine.step()
        rollout = try await stored(created.id)
        XCTAssertEqual(rollout.status, .rolledBack)
    }

    func testInstallsDueIsPureAndDoublesTheWait() {
        var machine = RolloutFixtures.machine(now: 0)
        _ = machine.start(now: 0)
        let canary = machine.plan.waves[0]
        machine.assigned(canary, now: 0)
        XCTAssertEqual(machine.installsDue(now: 9_999, timeoutSeconds: 10, retries: 1).resend, [])
        XCTAssertEqual(Set(machine.installsDue(now: 10_000, timeoutSeconds: 10, retries: 1).resend), Set(canary))
        machine.installFinished(canary[0])
        machine.installResent(canary[1], now: 10_000)
        XCTAssertEqual(machine.installsOutstanding, [canary[1]])
        XCTAssertEqual(machine.installsDue(now: 29_999, timeoutSeconds: 10, retries: 1).timedOut, [])
        XCTAssertEqual(machine.installsDue(now: 30_000, timeoutSeconds: 10, retries: 1).timedOut, [canary[1]])
        machine.installTimedOut(canary[1], reason: "silent", now: 30_000)
        XCTAssertEqual(machine.installsOutstanding, [])
        // Stored and read back: the tracking is part of the persisted rollout.
        let decoded = try? JSONDecoder().decode(RolloutStateMachine.self, from: JSONEncoder().encode(machine))
        XCTAssertEqual(decoded, machine)
    }
}
