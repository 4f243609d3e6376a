import Collector
import FleetProtocol
import Foundation
import XCTest

extension StoreContract {
    /// A fleet's first contact — every message of a batch a new device's birth, retained status or first report —
    /// decides exactly as the same messages one by one would: device state, presence and its events in message order
    /// (several statuses of one device in one batch included), bundles, latest figures, rollups, acknowledgements.
    /// (PostgreSQL writes such a batch with one statement per table; this is the twin test of that path.)
    func aBatchOfNewDevicesDecidesAsMessageByMessage() async throws {
        let store = try await open()
        let ids = (0..<40).map { "fc-\(String(format: "%02d", $0))" }
        var batch: [IngestMessage] = []
        for id in ids {
            batch += [Messages.birth(device: id, seq: 1), Messages.status(device: id, online: true), Messages.telemetry(device: id, seq: 2)]
        }
        // One device says offline, is born, comes online twice (the second says nothing new) and goes offline, all in one batch.
        batch += [Messages.status(device: "fc-flip", online: false), Messages.birth(device: "fc-flip", seq: 1),
                  Messages.status(device: "fc-flip", online: true), Messages.status(device: "fc-flip", online: true),
                  Messages.status(device: "fc-flip", online: false)]
        // A device whose first status is offline: a birth after it does not bring it online.
        batch += [Messages.status(device: "fc-dark", online: false), Messages.birth(device: "fc-dark", seq: 1)]
        // A device that is only born: a birth brings a device online.
        batch += [Messages.birth(device: "fc-born", seq: 1)]
        var outcome = try await store.ingest(batch, receivedAt: now)
        XCTAssertEqual(outcome.stored, 40 * 2 + 3)
        XCTAssertEqual(outcome.duplicates, 0)
        XCTAssertEqual(outcome.acknowledgements.count, 43)
        XCTAssertEqual(Set(outcome.acknowledgements.filter { $0.deviceID.hasPrefix("fc-0") || $0.deviceID.hasPrefix("fc-1") }.map(\.seq)), [2])

        for id in ids {
            let device = try await store.device(id)
            XCTAssertEqual(device?.online, true, id)
            XCTAssertEqual(device?.profile, "rpi-4b-2gb", id)
            XCTAssertEqual(device?.hardware?.cpuCount, 4, id)
            XCTAssertEqual(device?.currentBundle, Messages.bundle, id)
            XCTAssertNil(device?.previousBundle, id)
            XCTAssertEqual(device?.latest?.latencyP95Micros, 15_000, id)
            XCTAssertEqual(device?.firstSeenAt, now, id)
        }
        let flip = try await store.device("fc-flip")
        XCTAssertEqual(flip?.online, false)
        XCTAssertEqual(flip?.statusReason, "lost")
        XCTAssertEqual(flip?.profile, "rpi-4b-2gb")
        let flipEvents = try await store.events(EventFilter(deviceID: "fc-flip")).sorted { $0.id < $1.id }.map(\.name)
        XCTAssertEqual(flipEvents, ["device.offline", "agent.birth", "device.online", "device.offline"],
                       "each status that says something new is an event, in message order")
        let dark = try await store.device("fc-dark")
        XCTAssertEqual(dark?.online, false, "a status seen before the birth wins")
        let born = try await store.device("fc-born")
        XCTAssertEqual(born?.online, true)
        XCTAssertNil(born?.latest)
        let firstEvents = try await store.events(EventFilter(deviceID: "fc-07")).sorted { $0.id < $1.id }.map(\.name)
        XCTAssertEqual(firstEvents, ["agent.birth", "device.online"])
        let onlineEvents = try await store.events(EventFilter(name: "device.online", limit: 1000))
        XCTAssertEqual(onlineEvents.count, 41)

        // The fleet's next reports: a new bundle on every device (current moves to previous), a replay of each first report.
        let newer = BundleReference(name: "keyword-spotter", version: "1.1.0", digest: String(repeating: "b", count: 64), releaseCounter: 4)
        batch = ids.flatMap { [Messages.telemetry(device: $0, seq: 3, report: Messages.report(p95: 25_000, bundle: newer)),
                               Messages.telemetry(device: $0, seq: 2)] }
        batch += [Messages.status(device: "fc-flip", online: false)]
        outcome = try await store.ingest(batch, receivedAt: now + 1)
        XCTAssertEqual(outcome.stored, 40)
        XCTAssertEqual(outcome.duplicates, 40)
        XCTAssertEqual(Set(outcome.acknowledgements.map(\.seq)), [3])
        for id in ids {
            let device = try await store.device(id)
            XCTAssertEqual(device?.currentBundle, newer, id)
            XCTAssertEqual(device?.previousBundle, Messages.bundle, id)
            XCTAssertEqual(device?.latest?.latencyP95Micros, 25_000, id)
            let acked = try await store.acknowledged(deviceID: id, stream: "s1")
            XCTAssertEqual(acked, 3, id)
            let rollups = try await store.rollups(.device(id), resolution: .hour, range: .all)
            XCTAssertEqual(rollups.reduce(0) { $0 + $1.reports }, 2, id)
        }
        let again = try await store.events(EventFilter(deviceID: "fc-flip"))
        XCTAssertEqual(again.count, 4, "an offline device saying offline again is no event")
        let models = try await store.rollups(.model("keyword-spotter", digest: nil), resolution: .hour, range: .all)
        XCTAssertEqual(models.reduce(0) { $0 + $1.reports }, 80)
        let telemetry = try await store.telemetryCount(deviceID: nil)
        XCTAssertEqual(telemetry, 80)
    }

    /// Devices are read by first contact: the rollout engine's admission pass asks for those first seen since its last
    /// pass, and for the models the profiles of new devices without a bundle serve.
    func newDevicesAreReadByFirstContact() async throws {
        let store = try await open()
        _ = try await store.ingest([Messages.birth(device: "a", seq: 1)], receivedAt: now)
        _ = try await store.ingest([Messages.birth(device: "b", seq: 1, profile: "rpi-5-4gb")], receivedAt: now + 1000)
        _ = try await store.ingest([Messages.birth(device: "d", seq: 1, bundle: nil), Messages.birth(device: "c", seq: 1, bundle: nil)],
                                   receivedAt: now + 2000)
        var read = try await store.devices(firstSeenAfter: now, limit: 100)
        XCTAssertEqual(read.map(\.id), ["b", "c", "d"], "after `since`, oldest first, then by ID")
        read = try await store.devices(firstSeenAfter: now - 1, limit: 2)
        XCTAssertEqual(read.map(\.id), ["a", "b"])
        read = try await store.devices(firstSeenAfter: now + 2000, limit: 100)
        XCTAssertEqual(read, [])
        // A device's later messages do not make it new again.
        _ = try await store.ingest([Messages.telemetry(device: "a", seq: 2)], receivedAt: now + 5000)
        read = try await store.devices(firstSeenAfter: now + 2000, limit: 100)
        XCTAssertEqual(read, [])
        read = try await store.devices(firstSeenAfter: now - 1, limit: 1)
        XCTAssertEqual(read.first?.firstSeenAt, now)

        let served = try await store.servedModels(profiles: ["rpi-4b-2gb", "rpi-5-4gb", "esp32-s3"])
        XCTAssertEqual(served, ["rpi-4b-2gb": ["keyword-spotter"], "rpi-5-4gb": ["keyword-spotter"]],
                       "c and d serve nothing; no device of esp32-s3 exists")
        let none = try await store.servedModels(profiles: [])
        XCTAssertEqual(none, [:])
    }
}
