import Agent
import Bundles
import FleetProtocol
import XCTest

/// The thermal policy as a value: limits, hysteresis, a missing sensor.
final class ThermalGovernorTests: XCTestCase {
    private let limits = ThermalGovernor.Limits(throttleCelsius: 80, criticalCelsius: 85, hysteresisCelsius: 5)

    func testThrottlesAtTheLimitAndReturnsOnlyBelowTheHysteresisBand() {
        var governor = ThermalGovernor(limits: limits)
        XCTAssertNil(governor.observe(60))
        XCTAssertNil(governor.observe(79.9))
        XCTAssertEqual(governor.observe(80), .state(from: .normal, to: .throttling, temperature: 80))
        XCTAssertNil(governor.observe(76), "inside the band: still throttling")
        XCTAssertNil(governor.observe(75))
        XCTAssertEqual(governor.state, .throttling)
        XCTAssertEqual(governor.observe(74.9), .state(from: .throttling, to: .normal, temperature: 74.9))
        XCTAssertEqual(governor.state, .normal)
    }

    func testPausesAtTheCriticalLimitFromAnyStateAndResumesIntoTheRightOne() {
        var governor = ThermalGovernor(limits: limits)
        XCTAssertEqual(governor.observe(90), .state(from: .normal, to: .paused, temperature: 90), "a jump straight past both limits")
        XCTAssertNil(governor.observe(81), "critical − 5 = 80: still paused")
        XCTAssertEqual(governor.observe(79), .state(from: .paused, to: .throttling, temperature: 79), "cooled below the critical band, still hot")
        XCTAssertEqual(governor.observe(85), .state(from: .throttling, to: .paused, temperature: 85))
        XCTAssertEqual(governor.observe(60), .state(from: .paused, to: .normal, temperature: 60), "cooled below both bands")
    }

    func testAMissingSensorRunsUnthrottledAndIsReportedOncePerOutage() {
        var governor = ThermalGovernor(limits: limits)
        XCTAssertEqual(governor.observe(82), .state(from: .normal, to: .throttling, temperature: 82))
        XCTAssertEqual(governor.observe(nil), .sensorMissing(from: .throttling))
        XCTAssertEqual(governor.state, .normal, "a broken sensor must not slow or stop inference")
        XCTAssertNil(governor.observe(nil), "once per outage")
        XCTAssertNil(governor.observe(.nan))
        XCTAssertNil(governor.observe(50), "the reading returns")
        XCTAssertEqual(governor.observe(nil), .sensorMissing(from: .normal), "a new outage is reported again")
    }

    func testLimitsComeFromTheProfileUnlessOverriddenAndMustBeOrdered() throws {
        let profile = ThermalLimits(throttleCelsius: 80, criticalCelsius: 85, notes: "")
        let fromProfile = try ThermalGovernor.Limits(profile: profile, settings: ThermalSettings())
        XCTAssertEqual(fromProfile, ThermalGovernor.Limits(throttleCelsius: 80, criticalCelsius: 85, hysteresisCelsius: 5))
        let overridden = try ThermalGovernor.Limits(profile: profile, settings: ThermalSettings(hysteresisCelsius: 2, throttleCelsius: 70))
        XCTAssertEqual(overridden.throttleCelsius, 70)
        XCTAssertEqual(overridden.hysteresisCelsius, 2)
        XCTAssertThrowsError(try ThermalGovernor.Limits(profile: profile, settings: ThermalSettings(throttleCelsius: 90))) { error in
            XCTAssertTrue("\(error)".contains("thermal.throttleCelsius"), "\(error)")
        }
    }
}
