import Collector
import FleetProtocol
import Foundation
import XCTest

extension StoreContract {
    /// The figures `/metrics` exports for alerts: devices per profile (offline, temperatures of the online ones),
    /// streams with a pending gap, and messages a device declared dropped.
    func operationsFiguresCountProfilesGapsAndLosses() async throws {
        let store = try await open()
        var hot = Messages.report()
        hot.resources.temperatureCelsius = 71.5
        _ = try await store.ingest([
            Messages.birth(device: "d1", seq: 1), Messages.telemetry(device: "d1", seq: 2, report: hot), Messages.status(device: "d1", online: true),
            Messages.birth(device: "d2", seq: 1), Messages.telemetry(device: "d2", seq: 2), Messages.status(device: "d2", online: false),
            Messages.telemetry(device: "d3", seq: 1), Messages.telemetry(device: "d3", seq: 3),
            Messages.telemetry(device: "d4", seq: 9, head: 9),
        ], receivedAt: now)
        let figures = try await store.operationsFigures()
        let pi = try XCTUnwrap(figures.profiles.first { $0.profile == "rpi-4b-2gb" }, "\(figures)")
        XCTAssertEqual(pi.known, 2)
        XCTAssertEqual(pi.offline, 1)
        XCTAssertEqual(pi.maximumTemperature, 71.5, "only online devices count: d2's 55 °C is not the maximum's concern, d1's is")
        XCTAssertEqual(pi.meanTemperature, 71.5)
        let unknown = try XCTUnwrap(figures.profiles.first { $0.profile == "unknown" }, "devices that never sent a birth: \(figures)")
        XCTAssertEqual(unknown.known, 2)
        XCTAssertEqual(figures.streamsWithGaps, 1, "d3 has 3 stored above the missing 2")
        XCTAssertEqual(figures.lostMessages, 8, "d4's head 9 declares 1…8 dropped")
        XCTAssertEqual(figures.rollouts, [:])
    }
}
