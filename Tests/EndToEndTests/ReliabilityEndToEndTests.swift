import FleetProtocol
import Foundation
import XCTest

/// No telemetry lost: the disk queue and application-level acknowledgements carry every message across a broker
/// restart, a collector crash and an agent restart, and the collector stores each sequence number exactly once.
final class ReliabilityEndToEndTests: XCTestCase {
    func testBrokerRestartCollectorCrashAndAgentRestartLoseNothing() async throws {
        let world = try await AgentWorld(self)
        let configuration = try world.configuration(initialBundle: try world.write(try world.bundle(version: "1.0.0", counter: 1), "v1.efb"),
                                                    extra: ["telemetry": ["intervalSeconds": 0.2]])
        let agent = try world.startAgent(configuration)
        func stored() -> [UInt64] { world.collector.messages.map(\.header.seq) }
        await eventually("a first acknowledged stretch") { stored().count >= 5 }

        // The broker goes away for a while; the agent keeps measuring into its disk queue.
        world.broker.stop()
        let before = stored().max() ?? 0
        try await Task.sleep(for: .seconds(2))
        try world.broker.start()
        await eventually("messages written during the outage arrive", timeout: .seconds(40)) {
            (stored().max() ?? 0) >= before + 8
        }

        // The collector crashes: whatever is published meanwhile reaches nobody (no persistent session).
        await world.collector.disconnect()
        let beforeCrash = stored().max() ?? 0
        try await Task.sleep(for: .seconds(1.5))
        try await world.collector.connect()
        await eventually("messages published while the collector was down are sent again", timeout: .seconds(40)) {
            (stored().max() ?? 0) >= beforeCrash + 10
        }

        // A graceful restart of the agent: its final report goes out after the restart.
        agent.terminate()
        XCTAssertEqual(agent.waitForExit(timeout: .seconds(25)), 0, world.logs)
        try world.startAgent(configuration)
        let highest = try await lastAssigned(world)
        await eventually("everything up to the restart is stored", timeout: .seconds(40)) {
            (stored().max() ?? 0) >= highest
        }

        let seqs = stored()
        XCTAssertEqual(seqs, Array(1...(seqs.max() ?? 1)), "no gaps: every sequence number stored once\n\(world.logs)")
        let streams = world.collector.state.withLock { $0.streams }
        XCTAssertEqual(streams.count, 1, "one stream across restarts")
        let deliveries = streams.values.first!.deliveries
        XCTAssertGreaterThanOrEqual(deliveries.values.reduce(0, +), seqs.count, "resends are deduplicated by sequence number")
        XCTAssertTrue(world.collector.events.contains { $0.name == .agentStopping }, "the stop was recorded and delivered after the restart")
        XCTAssertEqual(world.collector.events.filter { $0.name == .agentStarted }.count, 2)
        let telemetry = world.collector.telemetry
        XCTAssertGreaterThan(telemetry.count, 20)
        XCTAssertEqual(telemetry.last?.queue.dropped, 0)
    }

    /// The highest sequence number the restarted agent has assigned so far (from its queue's files and state).
    private func lastAssigned(_ world: AgentWorld) async throws -> UInt64 {
        try await Task.sleep(for: .milliseconds(500))
        let directory = "\(world.stateDirectory)/queue"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".msg") }
        let fromFiles = files.compactMap { UInt64($0.dropLast(4)) }.max() ?? 0
        struct Persistent: Decodable { var acknowledged: UInt64 }
        let state = try JSONDecoder().decode(Persistent.self, from: Data(contentsOf: URL(fileURLWithPath: "\(directory)/state.json")))
        return max(fromFiles, state.acknowledged)
    }
}
