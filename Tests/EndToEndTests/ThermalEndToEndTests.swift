import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// A real edge-agent whose temperature sensor is a file the test rewrites: it slows down above the profile's
/// throttle limit (rpi-4b-2gb: 80 °C), pauses above the critical one (85 °C), stays paused inside the hysteresis
/// band, resumes below it, and runs unthrottled, reporting once, when the sensor disappears.
final class ThermalEndToEndTests: XCTestCase {
    func testTheAgentThrottlesPausesAndResumesWithItsBoardsTemperature() async throws {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let sensor = "\(world.directory)/thermal_zone0_temp"
        func setTemperature(_ celsius: Double) throws {
            try "\(Int(celsius * 1000))\n".write(toFile: sensor, atomically: true, encoding: .utf8)
        }
        try setTemperature(45)
        let configuration = try world.configuration(initialBundle: try world.write(v1, "v1.efb"), extra: [
            "thermal": ["sensorPath": sensor, "pollSeconds": 0.1, "hysteresisCelsius": 5, "throttledFrameIntervalMilliseconds": 200],
        ])
        try world.startAgent(configuration)
        let device = world.device
        let collector = world.collector
        /// Reports that began after `event` was raised (whole intervals in the new state).
        func reports(after event: EventName) -> [TelemetryReport] {
            guard let raised = collector.messages.first(where: { if case .event(let m) = $0 { m.body.name == event } else { false } }),
                  case .event(let m) = raised else { return [] }
            return collector.telemetry(device).filter { $0.intervalStart > m.time }
        }
        func events(_ name: EventName) -> [DeviceEvent] { collector.events.filter { $0.name == name } }

        // Normal: the configured 100 frames/s, the reading and the state in telemetry.
        await eventually("a normal report at full rate\n\(world.logs)") {
            collector.telemetry(device).contains { $0.resources.thermalState == .normal && $0.throughput > 50 }
        }
        let normal = try XCTUnwrap(collector.telemetry(device).last { $0.resources.thermalState == .normal })
        XCTAssertEqual(try XCTUnwrap(normal.resources.temperatureCelsius), 45, accuracy: 0.01)

        // Above 80 °C: an event, and frames 200 ms apart (≤ 5/s, against 100/s).
        try setTemperature(82)
        await eventually("thermal.throttling and two throttled reports\n\(world.logs)") {
            reports(after: .thermalThrottling).filter { $0.resources.thermalState == .throttling }.count >= 2
        }
        let throttling = try XCTUnwrap(events(.thermalThrottling).first)
        XCTAssertEqual(throttling.details["limit"], "80.0")
        XCTAssertEqual(throttling.details["temperature"], "82.0")
        XCTAssertEqual(throttling.details["frameIntervalMilliseconds"], "200")
        let throttled = reports(after: .thermalThrottling).dropFirst().filter { $0.resources.thermalState == .throttling }
        for report in throttled {
            XCTAssertLessThanOrEqual(report.throughput, 8, "throttled to one frame per 200 ms")
        }
        XCTAssertGreaterThan(throttled.map(\.inferences).reduce(0, +), 0, "throttled, not stopped")

        // Above 85 °C: paused, no inference at all.
        try setTemperature(90)
        await eventually("thermal.critical and two paused reports\n\(world.logs)") {
            reports(after: .thermalCritical).filter { $0.resources.thermalState == .paused }.count >= 3
        }
        XCTAssertEqual(events(.thermalCritical).first?.details["limit"], "85.0")
        for report in reports(after: .thermalCritical).dropFirst() where report.resources.thermalState == .paused {
            XCTAssertEqual(report.inferences, 0, "paused: no inference")
        }

        // 82 °C is inside the band (critical − 5 = 80): still paused, no event.
        try setTemperature(82)
        try await Task.sleep(for: .milliseconds(1200))
        XCTAssertEqual(collector.telemetry(device).last?.resources.thermalState, .paused, "the hysteresis band holds the pause")
        XCTAssertTrue(events(.thermalNormal).isEmpty)

        // 70 °C: below both bands, back to normal and to full rate.
        try setTemperature(70)
        await eventually("thermal.normal and a full-rate report\n\(world.logs)") {
            reports(after: .thermalNormal).contains { $0.resources.thermalState == .normal && $0.throughput > 50 }
        }
        XCTAssertEqual(events(.thermalNormal).first?.details["from"], "paused")

        // The sensor disappears: unthrottled, reported once, no temperature and no state in telemetry.
        try FileManager.default.removeItem(atPath: sensor)
        await eventually("thermal.sensor_missing and reports without a reading\n\(world.logs)") {
            reports(after: .thermalSensorMissing).filter { $0.resources.temperatureCelsius == nil }.count >= 3
        }
        let blind = reports(after: .thermalSensorMissing)
        XCTAssertTrue(blind.allSatisfy { $0.resources.thermalState == nil })
        XCTAssertGreaterThan(blind.last?.throughput ?? 0, 50, "a missing sensor never slows inference")
        XCTAssertEqual(events(.thermalSensorMissing).count, 1, "reported once per outage")
    }
}
