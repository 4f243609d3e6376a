@testable import Collector
import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// Devices that come online later get what their group should run: a running rollout plans them in, and without
/// one (or after it completed) a new device of a model gets the model's champion.
extension RolloutEngineTests {
    /// A device's first message: its birth on `profile`, serving `bundle`.
    func register(_ device: String, profile: String = "rpi-4b-2gb", bundle: BundleReference?) async throws {
        _ = try await store.ingest([Messages.birth(device: device, seq: next(device), bundle: bundle, profile: profile)], receivedAt: clock.now())
    }

    func testDevicesRegisteringDuringARolloutJoinItsControlOrALaterWaveAndIneligibleOnesAreListed() async throws {
        try await bless()
        var running = Set<String>()
        try await reportAll(running: running)
        clock.advance(by: 60_000)
        let engine = engine()
        let created = try await engine.create(request(RolloutTarget(profiles: ["rpi-4b-2gb", "esp32-s3"])))
        XCTAssertEqual(created.plan.control.count, 2)
        XCTAssertEqual(created.plan.waves.map(\.count), [2, 4, 8, 4])
        await engine.step()
        clock.advance(by: 10_000)
        try await register("late-0", bundle: championBundle)
        try await register("late-1", profile: "esp32-s3", bundle: championBundle)
        try await register("late-2", bundle: championBundle)
        await engine.step()
        var rollout = try await stored(created.id)
        XCTAssertEqual(rollout.plan.control.last, "late-0", "the control keeps its 10 % share: 3 of 21")
        XCTAssertEqual(rollout.plan.waves.last?.last, "late-2", "then the last wave not yet started")
        XCTAssertEqual(rollout.joined, ["late-0", "late-2"])
        let page = DashboardRoutes.rolloutPage(rollout, now: clock.now())
        XCTAssertEqual(page.joined, 2)
        XCTAssertEqual(page.joinedDevices, "late-0, late-2", "the rollout page names the devices that joined")
        let ineligible = try XCTUnwrap(rollout.ineligible.first { $0.deviceID == "late-1" })
        XCTAssertTrue(ineligible.reason.contains("esp32-s3 is unknown"), ineligible.reason)
        XCTAssertEqual(Set(fleet.assigned), Set(created.plan.waves[0]), "nobody joins a running canary")
        let claims = try await store.rolloutClaims(deviceIDs: ["late-0", "late-1", "late-2"])
        XCTAssertEqual(claims, ["late-0": created.id, "late-2": created.id])
        let joined = try await store.events(EventFilter(name: "rollout.device.joined"))
        XCTAssertEqual(Set(joined.map { "\($0.deviceID ?? "-") \($0.details["placement"] ?? "-")" }),
                       ["late-0 control", "late-1 ineligible", "late-2 wave 3"])
        await engine.step()
        let again = try await store.events(EventFilter(name: "rollout.device.joined"))
        XCTAssertEqual(again.count, 3, "each device joins once")

        // The rollout runs to its end: late-2 gets the version with its wave, late-0 with the promotion.
        try await run(engine, seconds: 1200, running: &running, until: { $0.status == .completed && $0.pendingAssignments.isEmpty }, id: created.id)
        await engine.step()
        rollout = try await stored(created.id)
        XCTAssertEqual(rollout.status, .completed, rollout.decisions.map { "\($0.kind): \($0.reason)" }.joined(separator: "\n"))
        XCTAssertTrue(fleet.assigned.contains("late-2") && fleet.assigned.contains("late-0"))
        XCTAssertFalse(fleet.assigned.contains("late-1"))
        XCTAssertEqual(fleet.champions, [], "devices of a rollout get its version, not the champion rule's")

        // After the promotion the champion is release 4: a device registering now gets it; one whose board it does
        // not fit is left alone with the reason.
        try await register("later-0", bundle: championBundle)
        try await register("later-1", profile: "esp32-s3", bundle: championBundle)
        await engine.step()
        XCTAssertEqual(fleet.champions, ["later-0"])
        let skipped = try await store.events(EventFilter(name: "champion.skipped"))
        XCTAssertEqual(skipped.map(\.deviceID), ["later-1"])
        XCTAssertTrue(skipped.first?.details["reason"]?.contains("esp32-s3") ?? false, "\(skipped)")
    }

    func testWithoutARolloutANewDeviceGetsItsModelsBlessedChampionOnce() async throws {
        // The fleet of setUp registered more than ten minutes before this collector started: not new.
        clock.advance(by: 11 * 60_000)
        // A champion that is not blessed is never pushed.
        _ = try await store.setAlias(model: "keyword-spotter", alias: "champion", release: 4, by: "test", at: start)
        let engine = engine()
        try await register("new-0", bundle: championBundle)
        await engine.step()
        XCTAssertEqual(fleet.champions, [])
        var skipped = try await store.events(EventFilter(name: "champion.skipped"))
        XCTAssertTrue(skipped.first?.details["reason"]?.contains("not blessed") ?? false, "\(skipped)")
        try await bless()
        clock.advance(by: 1_000)
        try await register("new-1", bundle: championBundle)
        try await register("new-2", bundle: nil)
        try await register("new-3", bundle: candidateBundle)
        await engine.step()
        XCTAssertEqual(fleet.champions, ["new-1", "new-2"], "a device without a bundle belongs to the model its profile runs; new-3 has it")
        clock.advance(by: 120_000)
        await engine.step()
        XCTAssertEqual(fleet.champions, ["new-1", "new-2"], "each new device once")
        skipped = try await store.events(EventFilter(name: "champion.skipped"))
        XCTAssertEqual(skipped.count, 1, "new-0 was judged once")
        XCTAssertFalse(fleet.champions.contains { devices.contains($0) }, "devices running before are not new: moving champion is not a rollout")
    }
}
