import Collector
import CoreMetrics
import Foundation
import TestSupport
import XCTest

/// The embedded defaults and the configuration file.
final class ConfigurationTests: XCTestCase {
    func testDefaultsNeedNoFile() throws {
        let configuration = CollectorConfiguration(stateDirectory: "/tmp/x")
        XCTAssertEqual(configuration.broker.host, "127.0.0.1")
        XCTAssertEqual(configuration.broker.port, 1883)
        XCTAssertEqual(configuration.http.port, 8080)
        XCTAssertEqual(configuration.storage.sqlite.synchronous, "full")
        XCTAssertEqual(configuration.broker.sharedGroup, "edge-collector")
        XCTAssertNoThrow(try configuration.validate())
    }

    func testFileOverridesAndRefusesUnknownKeys() throws {
        let directory = try Fixtures.temporaryDirectory("collector-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("collector.json").path
        try #"{"stateDirectory": "/srv/c", "broker": {"host": "mqtt.lan", "port": 8883}, "storage": {"retention": {"telemetryDays": 3}}, "ingest": {"maximumBatch": 512}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try CollectorConfiguration.load(path: path)
        XCTAssertEqual(configuration.broker.host, "mqtt.lan")
        XCTAssertEqual(configuration.broker.port, 8883)
        XCTAssertEqual(configuration.storage.retention.telemetryDays, 3)
        XCTAssertEqual(configuration.ingest.maximumBatch, 512)
        XCTAssertEqual(configuration.http.port, 8080, "unset keys keep their defaults")
        try #"{"broker": {"hots": "typo"}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CollectorConfiguration.load(path: path)) { error in
            XCTAssertTrue((error as? CollectorError)?.message.contains("broker.hots") ?? false, "\(error)")
        }
        try #"{"broker": {"port": 0}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CollectorConfiguration.load(path: path))
    }

    func testTrainingKeysAreReadAndMisspeltGateFieldsRefused() throws {
        let directory = try Fixtures.temporaryDirectory("collector-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("collector.json").path
        try #"{"training": {"maxConcurrentJobs": 2, "releaseKey": "/etc/keys", "externalTrainer": ["/bin/train", "--fast"], "gatePolicy": {"minAccuracy": 0.9}, "gatePolicies": {"m": {"maxRegression": 0.02}}, "requireBlessedAssignments": false}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let training = try CollectorConfiguration.load(path: path).training
        XCTAssertEqual(training.maxConcurrentJobs, 2)
        XCTAssertEqual(training.externalTrainer, ["/bin/train", "--fast"])
        XCTAssertEqual(training.policy(for: "other").minAccuracy, 0.9)
        XCTAssertEqual(training.policy(for: "m").maxRegression, 0.02)
        XCTAssertFalse(training.requireBlessedAssignments)
        XCTAssertTrue(CollectorConfiguration(stateDirectory: "/x").training.requireBlessedAssignments, "on by default")
        try #"{"training": {"gatePolicy": {"minAccuracyy": 0.9}}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CollectorConfiguration.load(path: path)) { error in
            XCTAssertTrue((error as? CollectorError)?.message.contains("minAccuracyy") ?? false, "\(error)")
        }
        try #"{"training": {"gatePolicy": {"minAccuracy": 1.5}}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CollectorConfiguration.load(path: path))
        try #"{"training": {"maxConcurrentJobs": 0}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CollectorConfiguration.load(path: path))
    }

    func testTokensAreGeneratedIntoTheStateDirectoryOnce() throws {
        let directory = try Fixtures.temporaryDirectory("collector-tokens")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = CollectorConfiguration(stateDirectory: directory.path)
        configuration.broker.port = try Mosquitto.freePort()
        configuration.http.port = try Mosquitto.freePort()
        let first = try Collector(configuration: configuration, logger: CollectorHarness.logger, metricsFactory: NOOPMetricsHandler.instance,
                                  prometheus: nil)
        XCTAssertEqual(Set(first.tokens.map(\.role)), [.admin, .read, .gate, .operate])
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("tokens.json").path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let second = try Collector(configuration: configuration, logger: CollectorHarness.logger, metricsFactory: NOOPMetricsHandler.instance,
                                   prometheus: nil)
        XCTAssertEqual(first.tokens, second.tokens)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("collector.sqlite").path))
    }

    /// `storage.engine` and `storage.url` choose PostgreSQL; the URL is required with it and checked before anything connects.
    func testStorageEngineAndURLChooseThePostgreSQLStore() throws {
        let directory = try Fixtures.temporaryDirectory("collector-config-postgres")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("collector.json").path
        try #"{"storage": {"engine": "postgres", "url": "postgres://edge:s%40cret@db.lan:6432/fleet", "connections": 4, "leaderLeaseSeconds": 6}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        var configuration = try CollectorConfiguration.load(path: path)
        XCTAssertEqual(configuration.storage.engine, .postgres)
        XCTAssertEqual(configuration.storage.url, "postgres://edge:s%40cret@db.lan:6432/fleet")
        XCTAssertEqual(configuration.storage.postgres.maximumConnections, 4)
        XCTAssertEqual(configuration.storage.postgres.leaderLeaseSeconds, 6)
        configuration.stateDirectory = directory.path
        configuration.http.port = try Mosquitto.freePort()
        let collector = try Collector(configuration: configuration, logger: CollectorHarness.logger, metricsFactory: NOOPMetricsHandler.instance,
                                      prometheus: nil)
        XCTAssertNotNil(collector.postgresStore)
        XCTAssertNil(collector.sqliteStore)
        XCTAssertEqual(collector.databaseDescription, "db.lan:6432/fleet", "the password never appears in logs")
        XCTAssertFalse(collector.leadership.isLeader, "a PostgreSQL collector leads only once it holds the lease")

        try #"{"storage": {"engine": "postgres"}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CollectorConfiguration.load(path: path)) { error in
            XCTAssertTrue((error as? CollectorError)?.message.contains("storage.url") ?? false, "\(error)")
        }
        try #"{"storage": {"engine": "oracle"}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CollectorConfiguration.load(path: path))
        configuration.storage.url = "mysql://db.lan/fleet"
        XCTAssertThrowsError(try Collector(configuration: configuration, logger: CollectorHarness.logger, metricsFactory: NOOPMetricsHandler.instance,
                                           prometheus: nil)) { error in
            XCTAssertEqual((error as? CollectorError)?.code, .invalidConfiguration)
        }
    }
}
