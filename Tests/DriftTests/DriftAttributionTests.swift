import Drift
import Foundation
import XCTest

/// Attribution on seeded fleets of 12 devices: 3 groups × 4, profiles alternating within each group.
final class DriftAttributionTests: XCTestCase {
    private let fleet = FleetScenario.standard()
    private lazy var baseline: [DriftHistogram] = {
        let columns = fleet.scenario.columns(10_000, seed: 11)
        return columns.map { try! QuantileBinning.baselineHistogram(name: $0.name, values: $0.values, bins: 10) }
    }()

    private func attribute(_ injection: DriftInjection, _ target: FleetScenario.Target, rows: Int = 1000, seed: UInt64 = 5) throws -> AttributionReport {
        let windows = fleet.windows(rows: rows, seed: seed, injection: injection, target: target, baseline: baseline)
        return try DriftAttribution.attribute(baseline: baseline, devices: windows)
    }

    func testStuckSensorOnOneDeviceIsADeviceAnomaly() throws {
        let report = try attribute(DriftInjection(.stuck), .device("dev-06"))
        for feature in report.features {
            XCTAssertEqual(feature.kind, .deviceAnomaly, feature.feature)
            XCTAssertEqual(feature.anomalousDevices, ["dev-06"], feature.feature)
            XCTAssertEqual(feature.driftingCohorts, [], feature.feature)
            // The broken device is left out of the pools, so its cohort does not drift.
            XCTAssertEqual(feature.fleet.verdict, .noDrift, feature.feature)
        }
        XCTAssertEqual(report.devices["dev-06"]?.allSatisfy { $0.verdict == .drift }, true)
        let data = try JSONEncoder().encode(report)
        XCTAssertEqual(try JSONDecoder().decode(AttributionReport.self, from: data), report)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains(#""anomalous_devices":["dev-06"]"#))
    }

    func testGainDriftOnOneDeviceIsADeviceAnomaly() throws {
        let report = try attribute(DriftInjection(.gain(factor: 1.5), features: [2]), .device("dev-01"))
        XCTAssertEqual(report.features[2].kind, .deviceAnomaly)
        XCTAssertEqual(report.features[2].anomalousDevices, ["dev-01"])
        for (j, feature) in report.features.enumerated() where j != 2 { XCTAssertEqual(feature.kind, .none, feature.feature) }
    }

    func testCohortWideShiftIsPopulationDrift() throws {
        let cohort = Cohort(key: "group", value: "plant-2")
        let report = try attribute(DriftInjection(.meanShift(sigmas: 0.5)), .cohort(cohort))
        for feature in report.features {
            XCTAssertEqual(feature.kind, .cohortDrift, feature.feature)
            XCTAssertEqual(feature.driftingCohorts, [cohort], feature.feature)
            XCTAssertEqual(feature.anomalousDevices, [], feature.feature)
        }
    }

    func testProfileCohortShiftIsAttributedToTheProfile() throws {
        let cohort = Cohort(key: "profile", value: "jetson")
        let report = try attribute(DriftInjection(.varianceChange(factor: 2)), .cohort(cohort))
        for feature in report.features {
            XCTAssertEqual(feature.kind, .cohortDrift, feature.feature)
            XCTAssertEqual(feature.driftingCohorts, [cohort], feature.feature)
        }
    }

    func testSmallDevicesPoolIntoACohortVerdict() throws {
        // 150 rows per device: every device is below the minimum, yet the cohort's pooled counts drift.
        let cohort = Cohort(key: "group", value: "plant-3")
        let report = try attribute(DriftInjection(.meanShift(sigmas: 1)), .cohort(cohort), rows: 150)
        for feature in report.features {
            XCTAssertEqual(feature.driftingDevices, [], feature.feature)
            XCTAssertEqual(feature.kind, .cohortDrift, feature.feature)
            XCTAssertEqual(feature.driftingCohorts, [cohort], feature.feature)
        }
    }

    func testFleetWideShift() throws {
        let report = try attribute(DriftInjection(.gain(factor: 1.2)), .fleet)
        for feature in report.features {
            XCTAssertEqual(feature.kind, .fleetWide, feature.feature)
            XCTAssertEqual(feature.driftingCohorts, [], feature.feature)
        }
    }

    func testControlFleetHasNoDrift() throws {
        for seed in UInt64(20)..<UInt64(25) {
            let report = try attribute(DriftInjection(.none), .fleet, rows: 800, seed: seed)
            for feature in report.features { XCTAssertEqual(feature.kind, .none, "\(feature.feature) seed \(seed)") }
        }
    }

    func testTinyWindowsAreInsufficient() throws {
        let report = try attribute(DriftInjection(.none), .fleet, rows: 10)
        for feature in report.features { XCTAssertEqual(feature.kind, .insufficientData, feature.feature) }
    }

    func testMissingFeatureIsAnError() {
        let device = DeviceWindow(deviceID: "d", cohorts: [:], histograms: [])
        XCTAssertThrowsError(try DriftAttribution.attribute(baseline: baseline, devices: [device])) { error in
            XCTAssertEqual((error as? DriftError)?.code, .featureMismatch)
        }
    }
}
