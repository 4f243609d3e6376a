import Bundles
import Crypto
import Foundation
import TestSupport
import XCTest

/// A broker, keys, bundles and an agent configuration for one end-to-end test.
final class AgentWorld: @unchecked Sendable {
    let broker: Mosquitto
    let directory: String
    let keys: KeyDirectory
    let collector: TestCollector
    let device: String
    private(set) var agent: AgentProcess?
    private var starts = 0

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }
    static let profiles = Fixtures.root.appendingPathComponent("firmware-profiles").path

    /// Starts mosquitto and the test collector; fails (never skips) when mosquitto cannot run.
    init(_ test: XCTestCase, device: String = "pi-e2e") async throws {
        broker = try Mosquitto()
        let url = try Fixtures.temporaryDirectory("agent-e2e")
        directory = url.path
        self.device = device
        keys = try KeyDirectory.initialize(at: "\(directory)/keys", now: Self.now - 60, releaseValidity: 365 * 86_400)
        collector = TestCollector(port: broker.port)
        try await collector.connect()
        test.addTeardownBlock { [self] in
            self.agent?.kill()
            await self.collector.disconnect()
            self.broker.kill()
            // Kept for inspection when something failed: the directory is printed in failure messages.
            if ProcessInfo.processInfo.environment["AGENT_KEEP_E2E"] == nil { try? FileManager.default.removeItem(at: url) }
        }
    }

    var stateDirectory: String { "\(directory)/state" }

    /// A signed bundle of a conformance model (see `AgentFixtures` in the agent tests; same recipe).
    func bundle(_ model: String = "kws_ref_model", name: String = "kws", version: String, counter: UInt64,
                signer: SigningKey? = nil, corruptGolden: Bool = false) throws -> [UInt8] {
        let modelBytes = try Fixtures.bytes("\(model)/model.tflite")
        let analysis = try ModelAnalyzer.analyze(modelBytes)
        let classes = analysis.outputs[0].shape.last ?? 1
        var text = "energy,peak,prediction\n"
        for row in 0..<30 { text += "\(Double(row) * 0.25),\(Double(row % 7) - 3),\(row % classes)\n" }
        let metadata = BundleMetadata(name: name, version: version, releaseCounter: counter, createdAt: Self.now - 120,
                                      preprocessing: "raw int8 tensors",
                                      lineage: Lineage(datasetSnapshotSHA256: String(repeating: "ab", count: 32), codeVersion: "e2e"))
        var builder = BundleBuilder(modelBytes: modelBytes, metadata: metadata, labels: [], baselineCSV: Array(text.utf8))
        builder.goldenDirectory = Fixtures.conformance.appendingPathComponent(model).path
        builder.goldenCount = 2
        var file = try builder.build()
        if corruptGolden {
            var golden = try GoldenSet.decode(file.goldenBytes, inputs: analysis.inputs, outputs: analysis.outputs)
            golden.cases[0].outputs[0][0] &+= 1
            file = try BundleBuilder.assemble(modelBytes: modelBytes, metadata: metadata, labels: [], analysis: analysis,
                                              baseline: try DriftBaseline.decode(file.baselineBytes), golden: golden)
        }
        return try file.signed(with: signer ?? keys.signingKey(now: Self.now)).encoded()
    }

    /// Writes a file into the world's directory.
    @discardableResult
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = "\(directory)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The agent configuration: kws v1 as the initial bundle, replaying the kws golden inputs.
    func configuration(initialBundle: String, input: String? = nil, device: String? = nil, state: String? = nil,
                       extra: [String: Any] = [:]) throws -> String {
        var inputs = "\(directory)/frames"
        if input == nil {
            try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
            for number in 0..<3 {
                try Data(try Fixtures.bytes("kws_ref_model/case-\(number).in-0.bin"))
                    .write(to: URL(fileURLWithPath: "\(inputs)/frame-\(number).bin"))
            }
        } else {
            inputs = input!
        }
        var json: [String: Any] = [
            "deviceID": device ?? self.device,
            "broker": ["host": "127.0.0.1", "port": broker.port, "reconnectMinimumSeconds": 0.05, "reconnectMaximumSeconds": 0.5],
            "profile": "rpi-4b-2gb", "profileDirectory": Self.profiles,
            "stateDirectory": state ?? stateDirectory,
            "trustedRootKey": keys.rootPublicKeyPath, "trustFile": keys.trustPath,
            "initialBundle": initialBundle,
            "input": ["type": "replay", "path": inputs, "rate": 100],
            "telemetry": ["intervalSeconds": 0.3],
            "queue": ["resendAfterSeconds": 1.0],
            "update": ["probationSeconds": 1.0, "minimumProbationSamples": 5, "chunkTimeoutSeconds": 1.0, "maxAttempts": 2],
            "capture": ["enabled": false],
            "logLevel": "info",
        ]
        for (key, value) in extra {
            if let nested = value as? [String: Any], var existing = json[key] as? [String: Any] {
                existing.merge(nested) { $1 }
                json[key] = existing
            } else {
                json[key] = value
            }
        }
        let path = "\(directory)/agent-\(device ?? self.device).json"
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Starts (or restarts) the agent with `configuration`.
    @discardableResult
    func startAgent(_ configuration: String, environment: [String: String] = [:]) throws -> AgentProcess {
        starts += 1
        let process = try AgentProcess(arguments: ["--config", configuration], environment: environment,
                                       logPath: "\(directory)/agent-\(starts).log")
        agent = process
        return process
    }

    /// The agent's logs, for failure messages.
    var logs: String {
        (1...max(starts, 1)).map { (try? String(contentsOfFile: "\(directory)/agent-\($0).log", encoding: .utf8)) ?? "" }
            .joined(separator: "\n---\n")
    }

    /// A state-directory pointer or the floor.
    func stateFile(_ name: String, state: String? = nil) -> String? {
        (try? String(contentsOfFile: "\(state ?? stateDirectory)/\(name)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// SHA-256 hex of bytes, as the agent names bundles.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
