import Agent
import Bundles
import Foundation
import XCTest

/// One JSON file plus overrides; every refusal names the key and the reason.
final class ConfigurationTests: XCTestCase {
    private var directory = ""
    private var rootKey = ""

    override func setUpWithError() throws {
        directory = try AgentFixtures.directory(self, "config")
        let keys = try AgentFixtures.keys(self)
        rootKey = keys.rootPublicKeyPath
        try Data().write(to: URL(fileURLWithPath: "\(directory)/frame.bin"))
    }

    private func file(_ json: String) throws -> String {
        let path = "\(directory)/agent-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func minimal(_ extra: String = "") -> String {
        """
        {"deviceID": "pi-1", "broker": {"host": "127.0.0.1"}, "profile": "rpi-zero-2w",
         "profileDirectory": "\(AgentFixtures.profiles)", "stateDirectory": "\(directory)/state",
         "trustedRootKey": "\(rootKey)", "input": {"type": "replay", "path": "\(directory)/frame.bin"}\(extra)}
        """
    }

    private func assertRefused(_ code: ConfigurationError.Code, key: String, reasonContains: String? = nil,
                               path: String?, overrides: [ConfigurationOverride] = [], line: UInt = #line) {
        do {
            _ = try AgentConfiguration.load(path: path, overrides: overrides)
            XCTFail("accepted an invalid configuration", line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(error)", line: line)
            XCTAssertEqual(error.key, key, "\(error)", line: line)
            if let reasonContains { XCTAssertTrue(error.reason.contains(reasonContains), "\(error)", line: line) }
            if !key.isEmpty { XCTAssertTrue(error.description.contains("'\(key)'"), error.description, line: line) }
        }
    }

    func testMinimalFileGetsDefaults() throws {
        let configuration = try AgentConfiguration.load(path: try file(minimal()))
        XCTAssertEqual(configuration.deviceID, "pi-1")
        XCTAssertEqual(configuration.broker.port, 1883)
        XCTAssertEqual(configuration.telemetry.intervalSeconds, 10)
        XCTAssertEqual(configuration.queue.maxMessages, 10_000)
        XCTAssertEqual(configuration.input.format, .raw)
        XCTAssertEqual(configuration.inputTopic, "edgefleet/v1/dev/pi-1/input")
        XCTAssertEqual(try configuration.loadProfile().id, "rpi-zero-2w")
    }

    func testOverridesApplyOverTheFileWithTypes() throws {
        let configuration = try AgentConfiguration.load(path: try file(minimal()), overrides: [
            try ConfigurationOverride(parsing: "telemetry.intervalSeconds=2.5"),
            try ConfigurationOverride(parsing: "broker.port=8883"),
            try ConfigurationOverride(parsing: "capture.enabled=false"),
            .string("deviceID", "123"),
            try ConfigurationOverride(parsing: "update.latencyBudgetMilliseconds=40"),
        ])
        XCTAssertEqual(configuration.telemetry.intervalSeconds, 2.5)
        XCTAssertEqual(configuration.broker.port, 8883)
        XCTAssertFalse(configuration.capture.enabled)
        XCTAssertEqual(configuration.deviceID, "123")
        XCTAssertEqual(configuration.update.latencyBudgetMilliseconds, 40)
        let download = try AgentConfiguration.load(path: try file(minimal(
            #", "update": {"downloadMinimumBytesPerSecond": 4096, "downloadGraceSeconds": 30, "downloadStallSeconds": 45}"#)))
        XCTAssertEqual(download.update.downloadLimits, DownloadGuard.Limits(minimumBytesPerSecond: 4096, graceSeconds: 30, stallSeconds: 45))
        // Without a file everything can come from overrides.
        let bare = try AgentConfiguration.load(path: nil, overrides: [
            .string("deviceID", "d"), .string("broker.host", "b"), .string("profile", "rpi-4b-2gb"),
            .string("profileDirectory", AgentFixtures.profiles), .string("trustedRootKey", rootKey),
            .string("input.type", "mqtt"), .string("stateDirectory", "/tmp/x"),
        ])
        XCTAssertEqual(bare.input.type, .mqtt)
    }

    func testEveryKindOfMistakeNamesItsKey() throws {
        assertRefused(.unknownKey, key: "telemetry.intervall", reasonContains: "intervalSeconds",
                      path: try file(minimal(#", "telemetry": {"intervall": 5}"#)))
        assertRefused(.unknownKey, key: "brokr", path: try file(minimal(#", "brokr": {}"#)))
        assertRefused(.missing, key: "deviceID", path: try file(#"{"broker": {"host": "x"}}"#))
        assertRefused(.missing, key: "broker.host", path: try file(minimal()), overrides: [
            ConfigurationOverride(key: "broker", value: .object(["port": .number(1)])),
        ])
        assertRefused(.invalidValue, key: "broker.port", reasonContains: "integer", path: try file(minimal()),
                      overrides: [.string("broker.port", "eighty")])
        assertRefused(.invalidValue, key: "broker.port", reasonContains: "65535", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "broker.port=70000")])
        assertRefused(.invalidValue, key: "telemetry.intervalSeconds", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "telemetry.intervalSeconds=0")])
        assertRefused(.invalidValue, key: "deviceID", path: try file(minimal()), overrides: [.string("deviceID", "a/b")])
        assertRefused(.invalidValue, key: "profile", reasonContains: "no-such-board", path: try file(minimal()),
                      overrides: [.string("profile", "no-such-board")])
        assertRefused(.invalidValue, key: "trustedRootKey", path: try file(minimal()),
                      overrides: [.string("trustedRootKey", "\(directory)/missing.pub")])
        assertRefused(.invalidValue, key: "input.path", path: try file(minimal()),
                      overrides: [.string("input.path", "\(directory)/missing")])
        assertRefused(.invalidValue, key: "input.type", path: try file(minimal()), overrides: [.string("input.type", "camera")])
        assertRefused(.invalidValue, key: "queue.maxMessages", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "queue.maxMessages=1")])
        assertRefused(.invalidValue, key: "capture.confidenceBelow", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "capture.confidenceBelow=2")])
        assertRefused(.invalidValue, key: "output.socket", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "output.socket=true")])
        assertRefused(.invalidValue, key: "update.downloadMinimumBytesPerSecond", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "update.downloadMinimumBytesPerSecond=0")])
        assertRefused(.invalidValue, key: "update.downloadStallSeconds", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "update.downloadStallSeconds=0")])
        assertRefused(.invalidValue, key: "update.downloadGraceSeconds", path: try file(minimal()),
                      overrides: [try ConfigurationOverride(parsing: "update.downloadGraceSeconds=-1")])
        assertRefused(.unreadable, key: "", path: "\(directory)/absent.json")
        assertRefused(.unreadable, key: "", path: try file("{not json"))
        XCTAssertThrowsError(try ConfigurationOverride(parsing: "novalue"))
    }
}
