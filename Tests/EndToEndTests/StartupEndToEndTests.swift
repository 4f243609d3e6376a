import Bundles
import Foundation
import TestSupport
import XCTest

/// Start-up failures name the key and the reason; the systemd unit passes `systemd-analyze verify`.
final class StartupEndToEndTests: XCTestCase {
    func testInvalidConfigurationFailsAtStartWithTheKeyAndReason() throws {
        let directory = try Fixtures.temporaryDirectory("agent-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try KeyDirectory.initialize(at: directory.appendingPathComponent("keys").path,
                                               now: Int64(Date().timeIntervalSince1970), releaseValidity: 86_400)
        func write(_ profile: String?) throws -> String {
            let path = directory.appendingPathComponent("agent-\(profile ?? "none").json").path
            let profileLine = profile.map { #""profile": "\#($0)","# } ?? ""
            try """
            {"deviceID": "pi-1", "broker": {"host": "localhost", "port": 99999}, \(profileLine)
             "profileDirectory": "\(Fixtures.root.appendingPathComponent("firmware-profiles").path)",
             "trustedRootKey": "\(keys.rootPublicKeyPath)", "input": {"type": "mqtt"}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let path = try write("rpi-4b-2gb")
        var result = try ProductProcess.run("edge-agent", ["--config", path])
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.stderr.contains("configuration key 'broker.port'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("65535"), result.stderr)

        result = try ProductProcess.run("edge-agent", ["--config", path, "--set", "broker.port=1883", "--set", "telemetry.every=3"])
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.stderr.contains("'telemetry.every'") && result.stderr.contains("unknown key"), result.stderr)

        result = try ProductProcess.run("edge-agent", ["--config", try write(nil), "--broker", "localhost:1883"])
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.stderr.contains("'profile'") && result.stderr.contains("absent"), result.stderr)

        result = try ProductProcess.run("edge-agent", ["--frobnicate"])
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.stderr.contains("invalid arguments") && result.stderr.contains("'--frobnicate'"), result.stderr)

        result = try ProductProcess.run("edge-agent", ["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("--telemetry-interval"))
    }

    func testNoVerifiedModelMeansNoStart() throws {
        let directory = try Fixtures.temporaryDirectory("agent-nomodel")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("keys").path
        _ = try KeyDirectory.initialize(at: keys, now: Int64(Date().timeIntervalSince1970), releaseValidity: 86_400)
        let result = try ProductProcess.run("edge-agent", [
            "--device-id", "pi-1", "--broker", "127.0.0.1:1", "--profile", "rpi-4b-2gb",
            "--profile-directory", Fixtures.root.appendingPathComponent("firmware-profiles").path,
            "--state-directory", directory.appendingPathComponent("state").path,
            "--trusted-root-key", "\(keys)/root.pub", "--trust-file", "\(keys)/trust.json",
            "--input", "mqtt",
        ])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("set initialBundle"), result.stderr)
    }

    func testTheSystemdUnitPassesSystemdAnalyzeVerify() throws {
        // verify also checks that ExecStart's binary exists: point it at the built agent, change nothing else.
        let unit = try String(contentsOf: Fixtures.root.appendingPathComponent("scripts/edge-agent.service"), encoding: .utf8)
        XCTAssertTrue(unit.contains("Type=notify") && unit.contains("WatchdogSec=") && unit.contains("Restart=on-failure"))
        XCTAssertTrue(unit.contains("ProtectSystem=strict") && unit.contains("NoNewPrivileges=true") && unit.contains("StateDirectory=edge-agent"))
        XCTAssertTrue(unit.contains("User=edge-agent"))
        let directory = try Fixtures.temporaryDirectory("agent-unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("edge-agent.service").path
        try unit.replacingOccurrences(of: "/usr/local/bin/edge-agent", with: try ProductProcess.path("edge-agent"))
            .write(toFile: path, atomically: true, encoding: .utf8)
        let analyze = Process()
        analyze.executableURL = URL(fileURLWithPath: try Mosquitto.locateAny(["systemd-analyze"]))
        analyze.arguments = ["verify", path]
        let output = Pipe()
        analyze.standardOutput = output
        analyze.standardError = output
        try analyze.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        analyze.waitUntilExit()
        XCTAssertEqual(analyze.terminationStatus, 0, text)
        XCTAssertFalse(text.contains("edge-agent.service:"), "warnings about the unit:\n\(text)")
    }
}

extension Mosquitto {
    /// Finds any tool on the usual paths (throws, so a missing tool fails the test rather than skipping it).
    static func locateAny(_ names: [String]) throws -> String {
        for name in names { if let path = try? locate(name) { return path } }
        throw Failure(description: "none of \(names) is installed (apt-get install systemd)")
    }
}
