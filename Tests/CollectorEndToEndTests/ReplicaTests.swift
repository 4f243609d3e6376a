import FleetSim
import Foundation
import Logging
import TestSupport
import XCTest

/// Two collector processes on one database split the fleet through the `$share/<group>/…` subscriptions.
final class ReplicaTests: XCTestCase {
    func testTwoReplicasShareTheLoadAndStoreEverythingOnce() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-replicas")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        var replicas: [CollectorProcess] = []
        for name in ["a", "b"] {
            let configuration = root.appendingPathComponent("\(name).json")
            try #"{"broker": {"clientID": "collector-\#(name)"}}"#.write(to: configuration, atomically: true, encoding: .utf8)
            let replica = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configuration.path])
            try replica.start()
            replicas.append(replica)
        }
        defer { replicas.forEach { $0.stop(SIGKILL) } }
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 6, prefix: "shared", reportsPerSecond: 40,
                                                                        resendAfter: .seconds(2)), logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await Task.sleep(for: .seconds(3))
        simulator.stopGenerating()
        let drained = await simulator.waitUntilAcknowledged(timeout: .seconds(90))
        XCTAssertTrue(drained, "\(simulator.statistics)\n\(replicas.map(\.log).joined(separator: "\n---\n"))")
        running.cancel()
        await running.value
        for replica in replicas {
            let metrics = try await HTTP.call("GET", port: replica.httpPort, "/metrics", token: "")
            let text = String(decoding: metrics.1, as: UTF8.self)
            let stored = text.split(separator: "\n").first { $0.hasPrefix("edgefleet_collector_messages_stored_total ") }
            XCTAssertGreaterThan(Double(stored?.split(separator: " ").last ?? "0") ?? 0, 0, "each replica stored part of the load:\n\(text)")
            XCTAssertEqual(replica.stop(SIGTERM), 0, replica.log)
        }
        let database = state.appendingPathComponent("collector.sqlite").path
        for device in simulator.devices {
            let generated = device.statistics.generated
            let rows = try SQLiteQuery.scalar(database, "SELECT count(*) || ' ' || count(DISTINCT seq) FROM telemetry WHERE device_id = '\(device.id)'")
            XCTAssertEqual(rows, "\(generated - 1) \(generated - 1)", "\(device.id): stored exactly once across both replicas")
        }
    }
}
