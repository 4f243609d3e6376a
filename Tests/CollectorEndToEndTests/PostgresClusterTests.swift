import FleetSim
import Foundation
import Logging
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Two collector processes on one PostgreSQL database and one `$share/<group>/…` subscription: the fleet's messages
/// are split between them, each stored exactly once, and when the leader is killed with SIGKILL the other takes the
/// singleton work over within a bounded time while ingest goes on.
final class PostgresClusterTests: XCTestCase {
    func testTwoCollectorsShareTheLoadAndAnotherLeadsWithinBoundedTimeAfterSIGKILL() async throws {
        let server = try PostgresServer()
        let url = try server.createDatabase("cluster")
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-postgres")
        defer { try? FileManager.default.removeItem(at: root) }
        let leaseSeconds = 2.0
        // Without a persistent session, the broker drops a dead collector's share of `$share/…` at once; with one it
        // would keep queueing that share for the dead session (docs/scale.md).
        var collectors: [String: CollectorProcess] = [:]
        for name in ["a", "b"] {
            let configuration = root.appendingPathComponent("\(name).json")
            try #"""
                {"broker": {"clientID": "collector-\#(name)", "persistentSession": false},
                 "storage": {"engine": "postgres", "url": "\#(url)", "leaderLeaseSeconds": \#(leaseSeconds)}}
                """#.write(to: configuration, atomically: true, encoding: .utf8)
            let collector = try CollectorProcess(stateDirectory: root.appendingPathComponent("state-\(name)"), brokerPort: broker.port,
                                                 extraArguments: ["--config", configuration.path])
            try collector.start()
            collectors[name] = collector
        }
        defer { collectors.values.forEach { $0.stop(SIGKILL) } }
        func leader() throws -> String? {
            let holder = try server.psql("cluster", "SELECT holder FROM leader_leases WHERE name = 'collector' AND expires_at > clock_timestamp()")
            return ["a", "b"].first { holder.hasPrefix("collector-\($0)-") }
        }
        var first: String?
        let elected = ContinuousClock.now + .seconds(20)
        while first == nil, ContinuousClock.now < elected {
            first = try leader()
            if first == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let killed = try XCTUnwrap(first, "no collector took the lease:\n\(collectors.values.map(\.log).joined(separator: "\n---\n"))")
        let survivor = killed == "a" ? "b" : "a"

        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 6, prefix: "pg", reportsPerSecond: 40,
                                                                        resendAfter: .seconds(2)), logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await Task.sleep(for: .seconds(2))
        // The leader dies mid-ingest, without a chance to release its lease or acknowledge what it was storing.
        collectors[killed]?.stop(SIGKILL)
        let killedAt = ContinuousClock.now
        var takeover: Duration?
        while takeover == nil, ContinuousClock.now - killedAt < .seconds(20) {
            if try leader() == survivor { takeover = ContinuousClock.now - killedAt } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        let bound = Duration.milliseconds(Int64(leaseSeconds * 1000 * 4 / 3)) + .seconds(2)
        let measured = try XCTUnwrap(takeover, "collector-\(survivor) never took the lease:\n\(collectors[survivor]!.log)")
        XCTAssertLessThanOrEqual(measured, bound, "takeover after SIGKILL within the lease plus one renewal interval (plus slack)")
        try await Task.sleep(for: .seconds(2))
        simulator.stopGenerating()
        let drained = await simulator.waitUntilAcknowledged(timeout: .seconds(90))
        XCTAssertTrue(drained, "\(simulator.statistics)\n\(collectors[survivor]!.log)")
        running.cancel()
        await running.value
        XCTAssertEqual(collectors[survivor]?.stop(SIGTERM), 0, collectors[survivor]?.log ?? "")
        for device in simulator.devices {
            let generated = device.statistics.generated
            let rows = try server.psql("cluster", "SELECT count(*) || ' ' || count(DISTINCT seq) FROM telemetry WHERE device_id = '\(device.id)'")
            XCTAssertEqual(rows, "\(generated - 1) \(generated - 1)", "\(device.id): stored exactly once across both collectors")
        }
    }
}
