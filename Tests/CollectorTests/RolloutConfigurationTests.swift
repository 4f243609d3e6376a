@testable import Collector
import Foundation
import XCTest

/// The `rollouts` object of the collector's configuration: defaults, overrides, refusals by key.
final class RolloutConfigurationTests: XCTestCase {
    func decode(_ json: String) throws -> CollectorConfiguration {
        try JSONDecoder().decode(CollectorConfiguration.self, from: Data(json.utf8))
    }

    func testDefaultsOverridesAndRefusals() throws {
        let defaults = try decode("{}").rollouts
        XCTAssertEqual(defaults, RolloutSettings())
        XCTAssertEqual(defaults.strategy.bakeSeconds, 600)
        XCTAssertEqual(defaults.strategy.gates.minimumInferences, 200)
        let configured = try decode(#"{"rollouts": {"intervalSeconds": 0.5, "strategy": {"bakeSeconds": 3, "gates": {"maximumLatencyRatio": 1.5}}}}"#)
        XCTAssertEqual(configured.rollouts.intervalSeconds, 0.5)
        XCTAssertEqual(configured.rollouts.strategy.bakeSeconds, 3)
        XCTAssertEqual(configured.rollouts.strategy.growthFactor, 2, "fields not given keep their defaults")
        XCTAssertEqual(configured.rollouts.strategy.gates.maximumLatencyRatio, 1.5)
        XCTAssertEqual(configured.rollouts.strategy.gates.minimumReportingFraction, 0.8)
        XCTAssertNoThrow(try configured.validate())
        XCTAssertThrowsError(try decode(#"{"rollouts": {"bakeSeconds": 3}}"#), "a strategy key at the wrong level is refused")
        XCTAssertThrowsError(try decode(#"{"rollouts": {"strategy": {"gates": {"latency": 2}}}}"#))
        var invalid = configured
        invalid.rollouts.intervalSeconds = 0
        XCTAssertThrowsError(try invalid.validate()) { XCTAssertTrue("\($0)".contains("rollouts.intervalSeconds"), "\($0)") }
        invalid = configured
        invalid.rollouts.strategy.controlPercent = 0
        XCTAssertThrowsError(try invalid.validate()) { XCTAssertTrue("\($0)".contains("controlPercent"), "\($0)") }
        XCTAssertEqual(defaults.installTimeoutSeconds, 300)
        XCTAssertEqual(defaults.installRetries, 3)
        let retries = try decode(#"{"rollouts": {"installTimeoutSeconds": 3, "installRetries": 4, "strategy": {"gates": {"maximumMemoryIncrease": 0.5}}}}"#)
        XCTAssertEqual(retries.rollouts.installTimeoutSeconds, 3)
        XCTAssertEqual(retries.rollouts.installRetries, 4)
        XCTAssertEqual(retries.rollouts.strategy.gates.maximumMemoryIncrease, 0.5)
        var noRetries = retries
        noRetries.rollouts.installRetries = 21
        XCTAssertThrowsError(try noRetries.validate()) { XCTAssertTrue("\($0)".contains("rollouts.installRetries"), "\($0)") }
        noRetries = retries
        noRetries.rollouts.installTimeoutSeconds = 0
        XCTAssertThrowsError(try noRetries.validate()) { XCTAssertTrue("\($0)".contains("rollouts.installTimeoutSeconds"), "\($0)") }
        let encoded = try JSONEncoder().encode(configured)
        XCTAssertEqual(try JSONDecoder().decode(CollectorConfiguration.self, from: encoded).rollouts, configured.rollouts)
    }
}
